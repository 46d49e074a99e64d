/**
 * Three noisy 4-feature classes around the Iris dataset's class centres (setosa, versicolor,
 * virginica means), deterministic: the "Iris" of the pruning and quantization tests. Sample i has
 * class i % 3; each feature is its class centre plus uniform noise of width `spread`, drawn from a
 * fixed linear congruential generator seeded with `seed`.
 */
const CENTRES = [[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]];

export function irisLikeData(n: number, seed: number, spread: number): { features: number[][]; labels: number[] } {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * spread;
  const features: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    features.push(CENTRES[i % 3].map((c) => c + rnd()));
    labels.push(i % 3);
  }
  return { features, labels };
}
