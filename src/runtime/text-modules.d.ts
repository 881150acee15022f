/** Imported as text by wrangler's `Text` rule (wrangler.toml); only the Worker entry imports them. */
declare module 'swagger-ui-dist/swagger-ui.css' {
  const text: string;
  export default text;
}
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const text: string;
  export default text;
}
