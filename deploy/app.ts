import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadDeployConfig, offlineContext } from './config';
import { SluiceStack } from './sluice-stack';

/**
 * `npm run synth`: the CloudFormation template for the account described by SLUICE_DEPLOY_CONFIG (default: the
 * example, which CI synthesizes offline). `npx cdk deploy --app 'node dist-deploy/deploy/app.js'` deploys it.
 */
const file = process.env.SLUICE_DEPLOY_CONFIG ?? path.join(__dirname, '..', '..', 'deploy', 'sluice.example.json');
const cfg = loadDeployConfig(file);
const app = new App({ context: offlineContext(cfg) });
new SluiceStack(app, `${cfg.name}-fleet`, cfg, { description: 'Sluice: worker fleet on ECS Fargate' });
app.synth();
