/**
 * POSTs JSON to the portal's own endpoints. Forms also post without JavaScript, but adapter-node 6
 * takes a request without a proxy's protocol header for https, so on the plain-http local demo
 * SvelteKit's CSRF check refuses form posts; JSON endpoints check the Origin against ORIGIN instead.
 */
export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
}
