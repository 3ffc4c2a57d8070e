// Lets one serverless.yml serve both osls (Serverless Framework v3 line) and
// Serverless Framework v4.
//
// v4 bundles TypeScript handlers with its own built-in esbuild unless the
// top-level `build: { esbuild: false }` says otherwise; this service bundles
// with the serverless-esbuild plugin (custom.esbuild), so serverless.yml sets
// that switch. osls validates configuration strictly and does not know v4's
// `build` property, so this local plugin declares it: exactly
// `{ esbuild: false }`, nothing else. Under v4 `build` is already part of the
// schema and the plugin does nothing.
'use strict';

class FrameworkV4Compat {
  constructor(serverless) {
    const schemaHandler = serverless.configSchemaHandler;
    if (!schemaHandler?.schema?.properties || schemaHandler.schema.properties.build) return;
    schemaHandler.defineTopLevelProperty('build', {
      type: 'object',
      properties: { esbuild: { const: false } },
      required: ['esbuild'],
      additionalProperties: false,
    });
  }
}

module.exports = FrameworkV4Compat;
