// The one error type for a local set-up problem the developer can fix from its
// message alone: a port in use, a bad variable, an unreadable keys file,
// serverless-offline not starting. `npm start` and `npm run dev:jwt` print such a
// message without a stack; anything else is a bug and keeps its stack.
export class LocalSetupError extends Error {
  override name = 'LocalSetupError';
}
