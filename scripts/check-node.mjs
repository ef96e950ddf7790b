// Guard: this project runs on Node 24 LTS (the Node that Electron 40+ embeds).
// npm silently drops optional native dependencies whose `engines` do not match the
// running Node (e.g. Hardhat's EDR binary), so installing under another major corrupts
// node_modules. Fail loudly instead. Use `npm run setup`, which brings Node 24 from the
// npm registry when the system Node is another major.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(
    `notarium: Node ${process.versions.node} found, Node 24 required.\n` +
      '  Run `npm run setup` (it installs with Node 24 from the npm registry),\n' +
      '  or install Node 24 LTS and retry.',
  );
  process.exit(1);
}
