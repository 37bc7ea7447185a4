// The official WooCommerce REST client (`@woocommerce/woocommerce-rest-api` on npm), unchanged.
//
//   node woocommerce_crud.mjs [header|query]
//
// Environment: SHOPKEEP_URL (the site root), WC_CONSUMER_KEY, WC_CONSUMER_SECRET, and
// PRODUCT_NAME (the product made, renamed, found by search and deleted). For an
// http:// URL the client signs every request with one-legged OAuth 1.0a (HMAC-SHA256); for
// https:// it sends the key as Basic auth (`header`, the default) or as consumer_key and
// consumer_secret in the query string (`query`). A self-signed certificate is trusted through
// NODE_EXTRA_CA_CERTS. Prints one JSON object with what each step returned; exits 1 if a step
// failed.
import WooCommerceRestApiModule from "@woocommerce/woocommerce-rest-api";

// The package's CommonJS build puts the class on `.default`.
const WooCommerceRestApi = WooCommerceRestApiModule.default ?? WooCommerceRestApiModule;

const [placement = "header"] = process.argv.slice(2);
const name = process.env.PRODUCT_NAME || "wc-node-widget";

function client(consumerSecret) {
  return new WooCommerceRestApi({
    url: process.env.SHOPKEEP_URL,
    consumerKey: process.env.WC_CONSUMER_KEY,
    consumerSecret,
    version: "woonoow/v1",
    queryStringAuth: placement === "query",
  });
}

function failure(err) {
  if (err.response) {
    const body = err.response.data;
    return { status: err.response.status, code: body && body.code, message: body && body.message };
  }
  return { error: String(err.stack || err) };
}

async function main() {
  const api = client(process.env.WC_CONSUMER_SECRET);
  const result = { url: process.env.SHOPKEEP_URL, placement };
  const steps = [];
  let step = "create";
  try {
    const created = await api.post("products", { name, regular_price: "12.00" });
    result.created = { status: created.status, id: created.data.id, name: created.data.name };
    const id = created.data.id;
    steps.push(step);

    step = "get";
    const got = await api.get(`products/${id}`);
    result.got = { status: got.status, id: got.data.id, name: got.data.name };
    steps.push(step);

    step = "update";
    const updated = await api.put(`products/${id}`, { name: `${name}-renamed` });
    result.updated = { status: updated.status, id: updated.data.id, name: updated.data.name };
    steps.push(step);

    step = "list";
    const page = await api.get("products", { search: name, per_page: 5 });
    result.list = {
      status: page.status,
      ids: page.data.map((p) => p.id),
      total: Number(page.headers["x-wp-total"]),
    };
    steps.push(step);

    step = "delete";
    const deleted = await api.delete(`products/${id}`, { force: true });
    result.deleted = { status: deleted.status, id: deleted.data.id };
    steps.push(step);

    step = "get after delete";
    try {
      await api.get(`products/${id}`);
      result.after_delete = { found: true };
    } catch (err) {
      result.after_delete = failure(err);
    }
    steps.push(step);

    step = "wrong secret";
    try {
      await client(`cs_${"0".repeat(40)}`).get("products");
      result.wrong_secret = { accepted: true };
    } catch (err) {
      result.wrong_secret = failure(err);
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
