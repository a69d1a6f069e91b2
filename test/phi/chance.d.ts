// `chance` ships no types; the forms corpus (forms.ts) uses only these generators, seeded.
declare module "chance" {
  class Chance {
    constructor(seed: number);
    first(opts?: { nationality?: string; gender?: "male" | "female" }): string;
    last(opts?: { nationality?: string }): string;
    city(): string;
    street(opts?: { short_suffix?: boolean }): string;
    address(opts?: { short_suffix?: boolean }): string;
    state(opts?: { full?: boolean }): string;
    zip(opts?: { plusfour?: boolean }): string;
    word(opts?: { syllables?: number; length?: number }): string;
    natural(opts?: { min?: number; max?: number }): number;
    pickone<T>(xs: readonly T[]): T;
    bool(opts?: { likelihood?: number }): boolean;
    floating(opts?: { min?: number; max?: number }): number;
  }
  export default Chance;
}
