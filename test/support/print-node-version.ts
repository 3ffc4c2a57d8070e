// Node 22 is the Lambda runtime; the project ships its own Node 22 (the `node`
// devDependency) so the suite never runs on an older system Node by accident.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 22) {
  throw new Error(`tests must run on Node 22 (Lambda nodejs22.x), not ${process.version}`);
}
