/**
 * SPEC §8's username rule, written out again from the spec rather than imported, so
 * the property tests check the function against the spec and not against itself.
 * A username is usable when it is sent exactly as it came.
 */
export function specAllowsUsername(name: string): boolean {
  return (
    name.length > 0 &&
    Array.from(name).length <= 255 &&
    name.isWellFormed() &&
    !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name) &&
    name.trim() === name &&
    !/^\[[\s\S]*\]$/.test(name)
  );
}
