// Prints the Node version the scripts run on and refuses anything but Node 22,
// the Lambda runtime (nodejs22.x). npm puts the `node` devDependency first on
// PATH, so this holds even where the system Node is older.
const major = Number(process.versions.node.split('.')[0]);
console.log(`node ${process.version} (${process.execPath})`);
if (major !== 22) {
  console.error(
    `expected Node 22, got ${process.version}: run through npm scripts (npm ci installs Node 22)`,
  );
  process.exit(1);
}
