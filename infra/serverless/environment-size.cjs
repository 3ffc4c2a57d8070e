// Lambda refuses a function whose environment variables, all together, exceed
// 4 KB; CloudFormation would only find out halfway through a deploy. This local
// plugin measures every function's variables in the finished template (provider
// and function `environment` merged, every variable resolved, exactly as they
// deploy) and fails `package`/`deploy` before anything is uploaded, naming the
// function, its size and its largest variables. The token policy (TOKEN_POLICY,
// from tokenPolicyFile) is what usually grows: docs/operations.md, "Token policy",
// says what to do then.
// CommonJS (.cjs) because the package is "type": "module" and osls loads plugins
// with require().
'use strict';

/** Lambda's limit on a function's environment variables, all together. */
const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * The bytes Lambda counts: the variables as one JSON object, names, quotes and
 * escapes included (its error message quotes the measured string in that form).
 * A JSON policy costs more than its length there: every `"` in it becomes `\"`.
 * A value that is still a CloudFormation function (Ref, Fn::Sub) is counted as
 * its JSON: an estimate, since its deployed value is unknown until deploy.
 * @param {Record<string, unknown>} variables
 */
const environmentBytes = (variables) => Buffer.byteLength(JSON.stringify(variables), 'utf8');

/**
 * What is wrong with one function's environment, or undefined if it fits.
 * @param {string} functionName
 * @param {Record<string, unknown>} variables
 * @returns {string | undefined}
 */
function environmentSizeProblem(functionName, variables) {
  const bytes = environmentBytes(variables);
  if (bytes <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return undefined;
  const largest = Object.entries(variables)
    .map(([name, value]) => ({ name, bytes: environmentBytes({ [name]: value }) - 2 }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map(({ name, bytes: size }) => `${name} ${size}`)
    .join(', ');
  const policy = Object.hasOwn(variables, 'TOKEN_POLICY')
    ? ' Shrink the token policy (the file param "tokenPolicyFile" names), or keep a policy this large in SSM Parameter Store or S3 instead: docs/operations.md, "Token policy".'
    : ' Move large values out of the environment (SSM Parameter Store, Secrets Manager or S3).';
  return `The environment variables of function "${functionName}" take ${bytes} bytes, over Lambda's limit of ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes (4 KB) for all of them together (largest, in bytes: ${largest}).${policy}`;
}

class EnvironmentSize {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      // After custom resources are merged into the template, before it is written.
      'before:aws:package:finalize:saveServiceState': () => this.check(),
    };
  }

  check() {
    const { service } = this.serverless;
    const naming = this.serverless.getProvider('aws').naming;
    const resources = service.provider.compiledCloudFormationTemplate.Resources ?? {};
    const problems = service.getAllFunctions().flatMap((functionName) => {
      const variables =
        resources[naming.getLambdaLogicalId(functionName)]?.Properties?.Environment?.Variables;
      const problem = variables && environmentSizeProblem(functionName, variables);
      return problem ? [problem] : [];
    });
    if (problems.length > 0) throw new this.serverless.classes.Error(problems.join('\n'));
  }
}

module.exports = EnvironmentSize;
module.exports.LAMBDA_ENVIRONMENT_LIMIT_BYTES = LAMBDA_ENVIRONMENT_LIMIT_BYTES;
module.exports.environmentBytes = environmentBytes;
module.exports.environmentSizeProblem = environmentSizeProblem;
