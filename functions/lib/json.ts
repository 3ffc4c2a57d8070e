/** JSON.parse for outside text: `undefined` (which no JSON text yields) when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
