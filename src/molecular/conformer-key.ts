/**
 * Naming conformers of a chain by their backbone dihedrals, so that a search
 * recognizes a minimum it has seen before whatever the atoms' numbering, and
 * (optionally) whatever the handedness.
 *
 * The rule:
 *   1. each backbone dihedral phi (IUPAC sign, trans at 180 deg) is rounded to
 *      the nearest staggered value: t (180), g+ (+60) or g- (-60), that is
 *      t for |phi| >= 120 deg, g+ for 0 < phi < 120, g- for -120 < phi <= 0;
 *   2. renumbering a linear chain end to end reverses the sequence of its
 *      backbone dihedrals (a dihedral (i, j, k, l) read as (l, k, j, i) has
 *      the same value), so the key is the smaller (as text) of the sequence
 *      and its reverse: `conformerKey`;
 *   3. the mirror image flips every sign (g+ <-> g-, t stays): the key up to
 *      mirror images, `enantiomerKey`, is the smallest of the sequence, its
 *      reverse, its mirror and its reversed mirror;
 *   4. two minima are one conformer when their keys agree and their energies
 *      differ by at most a tolerance (see {@link ConformerSet}): two
 *      different minima in one staggered class stay apart by their energies.
 *
 * Mirror images are distinct minima of the potential (g+ and g- butane
 * cannot be superposed by a rotation), so a search counts them apart under
 * `conformerKey` and together under `enantiomerKey`.
 */

/** A staggered class of a dihedral: trans (180 deg), gauche+ (+60), gauche- (-60). */
export type StaggeredClass = "t" | "g+" | "g-";

/** The centre of each class, radians. */
export const STAGGERED: Readonly<Record<StaggeredClass, number>> = Object.freeze({ t: Math.PI, "g+": Math.PI / 3, "g-": -Math.PI / 3 });

/** The nearest staggered value to phi (radians, any period): t for |phi| >= 120 deg, g+ in (0, 120), g- in (-120, 0]. */
export function staggeredClass(phi: number): StaggeredClass {
  const a = Math.atan2(Math.sin(phi), Math.cos(phi));
  if (Math.abs(a) >= (2 * Math.PI) / 3) return "t";
  return a > 0 ? "g+" : "g-";
}

const mirror = (c: StaggeredClass): StaggeredClass => (c === "g+" ? "g-" : c === "g-" ? "g+" : "t");
const text = (classes: readonly StaggeredClass[]) => classes.join(" ");
const smallest = (options: string[]) => options.reduce((a, b) => (b < a ? b : a));

/** The classes of a backbone's dihedrals (radians), in backbone order. */
export function staggeredClasses(dihedrals: ArrayLike<number>): StaggeredClass[] {
  return Array.from(dihedrals, staggeredClass);
}

/**
 * The key of a chain conformer up to renumbering: its classes, or their
 * reverse, whichever is smaller as text (rule 2 of the module comment), e.g.
 * "g+ t" for both tg+ and g+t pentane.
 */
export function conformerKey(dihedrals: ArrayLike<number>): string {
  return keyOf(staggeredClasses(dihedrals));
}

const keyOf = (c: readonly StaggeredClass[]) => smallest([text(c), text(c.slice().reverse())]);

/** The key up to renumbering and mirror images (rule 3): g+g+ and g-g- pentane share one. */
export function enantiomerKey(dihedrals: ArrayLike<number>): string {
  const c = staggeredClasses(dihedrals), m = c.map(mirror);
  return smallest([c, c.slice().reverse(), m, m.slice().reverse()].map(text));
}

/** Whether a conformer is its own mirror image up to renumbering (its key and its mirror's agree): tt, g+g- pentane. */
export function isAchiral(dihedrals: ArrayLike<number>): boolean {
  const c = staggeredClasses(dihedrals);
  return keyOf(c) === keyOf(c.map(mirror));
}
