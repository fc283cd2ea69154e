// The app's Apollo Client, built as the mobile_contract README tells an app team: documents from
// mobile_contract/operations, ids from the manifest, the access token on every request, one
// refresh on UNAUTHENTICATED, and the stock InMemoryCache (no type policies).
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
} from "@apollo/client";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import {
  createPersistedQueryManifestVerificationLink,
  generatePersistedQueryIdsFromManifest,
} from "@apollo/persisted-query-lists";
import { Kind, parse, visit } from "graphql";
import { from, mergeMap } from "rxjs";

const CONTRACT = new URL("../../mobile_contract/", import.meta.url).pathname;
export const manifest = JSON.parse(readFileSync(join(CONTRACT, "persisted-queries.json"), "utf8"));

// An app has one gql document per operation with the fragments it spreads: build those.
const definitions = readdirSync(join(CONTRACT, "operations"), { recursive: true })
  .filter((file) => file.endsWith(".graphql"))
  .flatMap((file) => parse(readFileSync(join(CONTRACT, "operations", file), "utf8")).definitions);
const fragments = new Map(
  definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
);

export function documentFor(name) {
  const operation = definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && d.name.value === name,
  );
  if (!operation) throw new Error(`no operation ${name} in mobile_contract/operations`);
  const used = new Map();
  const pending = [operation];
  while (pending.length) {
    visit(pending.pop(), {
      FragmentSpread(node) {
        if (!used.has(node.name.value)) {
          used.set(node.name.value, fragments.get(node.name.value));
          pending.push(fragments.get(node.name.value));
        }
      },
    });
  }
  return { kind: Kind.DOCUMENT, definitions: [operation, ...used.values()] };
}

const isSubscription = ({ query }) => {
  const definition = getMainDefinition(query);
  return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === "subscription";
};

// `runtimeIds`: hash documents at run time (Apollo's automatic persisted queries) instead of
// taking ids from the manifest, as a build without the manifest would.
export function createApp(uri, { runtimeIds = false } = {}) {
  const state = {
    session: null,
    refreshes: 0,
    mismatches: [], // operations whose printed text differs from the manifest's body
    sentWithText: [], // requests that carried a query text instead of an id only
    answers: [], // {status, type, codes} of every HTTP answer
    socketClosures: [], // close codes the server sent on the live socket
  };
  const auth = new ApolloLink((operation, forward) => {
    const token = state.session?.accessToken;
    operation.setContext(({ headers = {} }) => ({
      headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
    }));
    return forward(operation);
  });
  const refreshOnUnauthenticated = new ErrorLink(({ error, operation, forward }) => {
    const refused =
      CombinedGraphQLErrors.is(error) &&
      error.errors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
    if (!refused || !state.session || operation.operationName === "RefreshSession") return;
    return from(refresh()).pipe(mergeMap(() => forward(operation)));
  });
  async function refresh() {
    state.refreshes += 1;
    const { data } = await client.mutate({
      mutation: documentFor("RefreshSession"),
      variables: { refreshToken: state.session.refreshToken },
    });
    state.session = data.refreshToken;
  }
  const verify = createPersistedQueryManifestVerificationLink({
    loadManifest: () => manifest,
    onVerificationFailed: (details) => state.mismatches.push(details),
  });
  const persisted = new PersistedQueryLink(
    runtimeIds
      ? { sha256: (text) => createHash("sha256").update(text).digest("hex") }
      : generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest }),
  );
  const http = new HttpLink({
    uri,
    fetch: async (url, init) => {
      if (typeof init.body === "string" && JSON.parse(init.body).query) {
        state.sentWithText.push(JSON.parse(init.body).operationName);
      }
      const response = await fetch(url, init);
      const body = await response.clone().json().catch(() => ({}));
      state.answers.push({
        status: response.status,
        type: response.headers.get("content-type"),
        data: "data" in body,
        codes: (body.errors ?? []).map((e) => e.extensions?.code),
      });
      return response;
    },
  });
  // Subscriptions go over WebSocket (graphql-transport-ws) with the document's text, which the
  // server checks against the manifest; the token goes in connection_init, refreshed first when
  // it has run out, so a socket closed with 4403 reconnects signed in.
  const sockets = createClient({
    url: uri.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: true,
    connectionParams: async () => {
      if (!state.session) return {};
      if (new Date(state.session.accessTokenExpiresAt).getTime() - Date.now() < 5000) {
        await refresh();
      }
      return { Authorization: `Bearer ${state.session.accessToken}` };
    },
    on: { closed: (event) => state.socketClosures.push(event?.code) },
  });
  const live = new GraphQLWsLink(sockets);
  const overHttp = ApolloLink.from(runtimeIds ? [persisted, http] : [verify, persisted, http]);
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      refreshOnUnauthenticated,
      auth,
      ApolloLink.split(isSubscription, runtimeIds ? live : ApolloLink.from([verify, live]), overHttp),
    ]),
  });
  return { client, state, sockets };
}
