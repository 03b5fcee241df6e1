/**
 * TraPPE-UA's printed torsion, independent of src/molecular: the truth the
 * butane tests compare the force field's minima with.
 */

/** kcal/(mol K): R = 8.314462618 J/(mol K) over 4184 J/kcal. */
export const R = 8.314462618 / 4184;

/** TraPPE's torsion as printed in Martin & Siepmann (1998), in K: c1 (1 + cos) + c2 (1 - cos 2phi) + c3 (1 + cos 3phi). */
export const trappeTorsionK = (phi: number) => 355.03 * (1 + Math.cos(phi)) - 68.19 * (1 - Math.cos(2 * phi)) + 791.32 * (1 + Math.cos(3 * phi));

/** The gauche minimum of the printed torsion (radians): bisection on its derivative between 50 and 75 deg. */
export function printedGaucheMinimum(): number {
  const deg = Math.PI / 180;
  const slope = (phi: number) => (trappeTorsionK(phi + 1e-7) - trappeTorsionK(phi - 1e-7)) / 2e-7;
  let [lo, hi] = [50 * deg, 75 * deg];
  for (let q = 0; q < 60; q++) [lo, hi] = slope((lo + hi) / 2) < 0 ? [(lo + hi) / 2, hi] : [lo, (lo + hi) / 2];
  return (lo + hi) / 2;
}
