// Seeded pseudo-random numbers (mulberry32) so every simulated run is reproducible from one seed.

/** A small, fast, seeded generator. Not cryptographic. Allocation-free after construction. */
export class SeededRandom {
  private state = 0;
  private spareNormal = 0;
  private hasSpareNormal = false;

  /** `seed` is any number; only its low 32 bits matter. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform float in [min, max). Returns min when max <= min. */
  between(min: number, max: number): number {
    if (max <= min) return min;
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both inclusive. Returns min when max <= min. */
  integerBetween(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor((max - min + 1) * this.next());
  }

  /** Standard normal sample (mean 0, standard deviation 1), Box-Muller with a cached spare. */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    this.hasSpareNormal = true;
    return radius * Math.cos(angle);
  }

  /** An independent generator for one concern, derived from this one's next output and a salt. */
  derive(salt: number): SeededRandom {
    return new SeededRandom(Math.imul((this.next() * 4294967296) >>> 0, 0x9e3779b1) ^ salt);
  }
}
