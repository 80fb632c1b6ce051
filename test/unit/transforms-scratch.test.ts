import { it } from 'vitest';
import { extractIndicators } from '../../src/transforms/indicators';
it('scratch pathological', () => {
  const N = 200000;
  const cases: Record<string, string> = {
    dots: 'a.'.repeat(N / 2), colons: ':'.repeat(N), digitsDots: '1.'.repeat(N / 2), hex: 'a'.repeat(N), hexColon: 'ab:'.repeat(N / 3),
    labels: `${'abcdefghij-'.repeat(6)}a.`.repeat(N / 70), at: 'a@'.repeat(N / 2), atDots: 'a.b@'.repeat(N / 4), dash: 'a-'.repeat(N / 2),
    dotnum: '1.2.3.4.'.repeat(N / 8), ipv6ish: '1:2:3:4:5:6:7:8:'.repeat(N / 16), mixed: 'x1.y2.z3.'.repeat(N / 9), longlabel: `${'a'.repeat(70)}.`.repeat(N / 71),
    emailLocal: `${'a.'.repeat(40)}@`.repeat(N / 81),
  };
  for (const [name, s] of Object.entries(cases)) {
    const t0 = Date.now();
    const r = extractIndicators({ s });
    console.log(name, s.length, Date.now() - t0, 'ms', Object.values(r).map((a) => a.length).join(','));
  }
});
