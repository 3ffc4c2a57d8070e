import { DEFAULTS, ROTATION_DEFAULTS } from '../../functions/lib/config-rules.cjs';
import { DEFAULT_WAIT_SECONDS } from './commands/rotate.js';
import { FUNCTION_ARN_VARIABLE } from './commands/schedule.js';
import {
  MAX_DAYS,
  MAX_WINDOW_HOURS,
  MIN_DAYS,
  MIN_HOURS_BETWEEN_ROTATIONS,
  MIN_WINDOW_HOURS,
} from './rotation-rules.js';

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
  sync [--org N ...] [--dry-run] [--thoughtspot-host URL]
      Onboarding: read every Org's key from ThoughtSpot (auth/search, as the
      admin in the admin secret) and, for each Org with trusted auth on, create
      its secret or store the key when it differs (in the stored format, bare or
      {"secret_key"}). Reports created / updated / unchanged / skipped per Org;
      skips Orgs mid-rotation. Without --org: the Orgs ThoughtSpot lists.
      --dry-run writes nothing. Never prints a key.
  status [--org N ...] [--json] [--thoughtspot-host URL]
      Per Org (ThoughtSpot's and the secrets'): trusted auth on/off, secret
      present, whether the stored key matches ThoughtSpot's (compared by digest,
      shows only match/mismatch), rotation on/off, schedule, last and next
      rotation. A table, or JSON for scripts.
  rotate --org N [--wait-seconds S]
      Rotate Org N's key now with its configured rotation function (set by
      schedule), then wait (default ${DEFAULT_WAIT_SECONDS} s, 0 = do not wait) and report: AWSCURRENT moved
      to the new version, or what is left and what to do.
  schedule --org N (--every Nd | --cron EXPR [--window Wh]) [--function-arn ARN]
  schedule --org N --off
      Turn scheduled rotation on: every N days (${MIN_DAYS}-${MAX_DAYS}), or a Secrets Manager
      schedule expression in UTC, e.g. 'cron(0 4 ? * SUN *)' (0 minutes, year *)
      or 'rate(10 days)', at most every ${MIN_HOURS_BETWEEN_ROTATIONS} hours, with an optional window (${MIN_WINDOW_HOURS}-${MAX_WINDOW_HOURS}h).
      Does not rotate now (RotateImmediately false); Secrets Manager checks the
      setup once with testSecret. --function-arn defaults to ${FUNCTION_ARN_VARIABLE},
      then to the function already set. --off turns it off (CancelRotateSecret).
  help
      This text.

Every command also takes --debug (print stacks of unexpected errors).

Environment: AWS credentials and region as for any AWS SDK (AWS_PROFILE,
AWS_REGION, ...), AWS_ENDPOINT_URL_SECRETS_MANAGER (another endpoint),
SECRET_ID_TEMPLATE (default ${DEFAULTS.SECRET_ID_TEMPLATE}); verify, sync and
status also read THOUGHTSPOT_HOST and THOUGHTSPOT_TIMEOUT_MS, verify
FALLBACK_TO_PRIMARY_ORG, sync and status THOUGHTSPOT_ADMIN_SECRET_ID (default
${ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID}: JSON {"username", "password"}); schedule reads
${FUNCTION_ARN_VARIABLE} (the rotation function's ARN, from the stack outputs).

Exit codes: 0 done, 1 failed (AWS error, key refused, verify failed, an Org
failed to sync, a rotation that did not finish), 2 bad usage.

Examples:
  pbpaste | npm run keys -- put --org 583464508
  npm run keys -- schedule --org 583464508 --cron 'cron(0 4 ? * SUN *)' --window 2h
`;
