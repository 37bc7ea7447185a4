// node-wpapi (`wpapi` on npm), unchanged, against a Shopkeep site.
//
//   node wpapi_crud.mjs discover|register
//
// Environment: SHOPKEEP_URL (the site root, e.g. http://127.0.0.1:8000), SHOPKEEP_USER and
// SHOPKEEP_PASSWORD (an application password: wpapi authenticates with Basic).
// `discover` finds the API with WPAPI.discover() and uses the woonoow/v1 routes it read from
// the index; `register` gives the products route by hand with site.registerRoute().
// Prints one JSON object with what each step returned; exits 1 if a step threw.
import WPAPI from "wpapi";

const [mode] = process.argv.slice(2);
const name = `wpapi-${mode}`;
const siteUrl = process.env.SHOPKEEP_URL;
const credentials = {
  username: process.env.SHOPKEEP_USER,
  password: process.env.SHOPKEEP_PASSWORD,
};

// wpapi rejects with the WordPress error body ({code, message, data}) when there is one.
function failure(err) {
  if (err && typeof err === "object" && "code" in err && "data" in err) {
    return { code: err.code, message: err.message, status: err.data && err.data.status };
  }
  return { error: String(err && err.stack ? err.stack : err) };
}

async function connect() {
  if (mode === "discover") {
    const site = await WPAPI.discover(siteUrl);
    // discover() falls back to WordPress's default routes when it finds the root but cannot
    // read the index; namespace() throws unless woonoow/v1 came from the index.
    const namespace = site.namespace("woonoow/v1");
    const products = namespace.products.bind(namespace);
    return { site, products, endpoint: site._options.endpoint };
  }
  if (mode === "register") {
    const site = new WPAPI({ endpoint: `${siteUrl}/wp-json` });
    site.products = site.registerRoute("woonoow/v1", "/products/(?P<id>\\d+)");
    const products = site.products.bind(site);
    return { site, products, endpoint: site._options.endpoint };
  }
  throw new Error(`unknown mode ${mode}: discover or register`);
}

async function main() {
  const result = { mode };
  const steps = [];
  let step = "connect";
  try {
    const { site, products, endpoint } = await connect();
    result.endpoint = endpoint;
    site.auth(credentials);
    const api = () => products().auth(credentials);

    step = "create";
    const created = await api().create({ name, regular_price: "9.50" });
    result.created = { id: created.id, name: created.name, regular_price: created.regular_price };
    steps.push(step);

    step = "get";
    const got = await api().id(created.id).get();
    result.got = { id: got.id, name: got.name };
    steps.push(step);

    step = "update";
    const updated = await api().id(created.id).update({ name: `${name}-renamed` });
    result.updated = { id: updated.id, name: updated.name };
    steps.push(step);

    step = "list";
    const page = await api().param("per_page", 1).param("search", name).get();
    result.list = {
      ids: page.map((p) => p.id),
      total: page._paging ? page._paging.total : null,
    };
    steps.push(step);

    step = "delete";
    const deleted = await api().id(created.id).param("force", true).delete();
    result.deleted = { id: deleted.id };
    steps.push(step);

    step = "get after delete";
    try {
      await api().id(created.id).get();
      result.after_delete = { found: true };
    } catch (err) {
      result.after_delete = failure(err);
    }
    steps.push(step);
  } catch (err) {
    result.failed_step = step;
    result.failure = failure(err);
  }
  result.steps = steps;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.failed_step ? 1 : 0;
}

await main();
