import { DEFAULTS } from '../../functions/lib/config-rules.cjs';

/** The help text: `npm run keys -- help`, and after an unknown command or flag. */
export const USAGE = `Manage the per-Org ThoughtSpot secret keys in AWS Secrets Manager.

Usage: npm run keys -- <command> [options]

Commands:
  put --org N [--file PATH] [--kms-key-id ARN] [--description TEXT]
      [--allow-nonstandard] [--restore]
      Store Org N's key, read from stdin (piped) or --file, never from the
      command line. Creates the secret or adds a new version. --restore first
      restores a secret that is scheduled for deletion.
  list
      Every Org secret under the template's prefix: Org, name, last change,
      deletion status. Never reads a value.
  verify --org N --user NAME [--thoughtspot-host URL]
      Mint a 60 s token for NAME in Org N the way the function does (own key,
      else the Org 0 key when FALLBACK_TO_PRIMARY_ORG is on). Never prints it.
  remove --org N --yes-really-remove [--recovery-days D | --force-now]
      Schedule Org N's secret for deletion (default 7 days, 7-30), or delete it
      at once with --force-now.
  help
      This text.

Every command also takes --debug (print stacks of unexpected errors).

Environment: AWS credentials and region as for any AWS SDK (AWS_PROFILE,
AWS_REGION, ...), AWS_ENDPOINT_URL_SECRETS_MANAGER (another endpoint),
SECRET_ID_TEMPLATE (default ${DEFAULTS.SECRET_ID_TEMPLATE}); verify also
reads THOUGHTSPOT_HOST, FALLBACK_TO_PRIMARY_ORG, THOUGHTSPOT_TIMEOUT_MS.

Exit codes: 0 done, 1 failed (AWS error, key refused, verify failed), 2 bad usage.

Example:
  pbpaste | npm run keys -- put --org 583464508
`;
