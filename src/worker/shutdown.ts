/**
 * How long a stopping worker (SIGTERM, an ECS task stop) lets in-flight activities finish before handing them
 * back. The ECS task definition (deploy/) derives its stopTimeout from this, so the platform's SIGKILL never
 * lands inside the grace time.
 */
export const SHUTDOWN_GRACE_SECONDS = 30;
