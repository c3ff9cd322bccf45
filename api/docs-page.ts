import { swaggerUI } from '@hono/swagger-ui';

/**
 * Swagger UI fills an empty parameter with its schema's `default` when "Try it out" opens
 * (`limit=100`, `lang=zh-CN`, `format=html`, `include_revoked=true`), so a first call sent values the
 * user never chose — and a default written into the URL is no longer the server's default when that
 * changes. It has no setting for this, so this plugin gives every optional parameter an empty value
 * until the user types one: nothing is sent for it and the server applies its own default, which
 * the parameter's words and Swagger UI's "Default value" line still show. A required parameter keeps
 * its example, which works on the demo book.
 */
export const noDefaultsPlugin = `() => ({
  statePlugins: {
    spec: {
      wrapSelectors: {
        parameterWithMetaByIdentity: (selector) => (state, pathMethod, param) => {
          const withMeta = selector(pathMethod, param);
          if (!withMeta || withMeta.get('required') || withMeta.get('in') === 'path' || withMeta.get('value') !== undefined)
            return withMeta;
          return withMeta.set('value', '');
        },
      },
    },
  },
})`;

export const docsPage = swaggerUI({
  url: '/openapi.json',
  baseUrl: '/assets',
  title: 'loanwatch',
  persistAuthorization: true,
  plugins: [noDefaultsPlugin],
});
