import type { ApolloClient, DocumentNode, TypePolicies } from '@apollo/client';
import { map } from 'rxjs';

/**
 * A front end's Apollo Client 4 against the real server, and the check every
 * client test makes after each step: every query the screen ran so far,
 * fetched again from the network, is answered by the cache alone exactly as
 * the network answered it (the cache is complete and correct), and Apollo
 * Client printed nothing on the console.
 */
type Apollo = typeof import('@apollo/client');

let apollo: Apollo | undefined;
/** Everything Apollo Client (or anything else) printed through console.warn/error since the last `takeLogged()`. */
const logged: string[] = [];
const originals = { warn: console.warn, error: console.error };

/** Loads Apollo Client as a development build (it prints its cache warnings only there) and captures the console. */
export async function loadApollo(): Promise<Apollo> {
  (globalThis as { __DEV__?: boolean }).__DEV__ = true;
  apollo ??= await import('@apollo/client');
  const dev = await import('@apollo/client/dev');
  dev.loadDevMessages();
  dev.loadErrorMessages();
  for (const level of ['warn', 'error'] as const) {
    console[level] = (...args: unknown[]) => {
      logged.push(`${level}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    };
  }
  return apollo;
}

export function restoreConsole(): void {
  console.warn = originals.warn;
  console.error = originals.error;
}

export function takeLogged(): string[] {
  return logged.splice(0, logged.length);
}

interface Watched {
  readonly name: string;
  readonly query: DocumentNode;
  readonly variables: Record<string, unknown>;
}

export interface ClientUnderTest {
  readonly client: ApolloClient;
  /** Runs a query over the network and keeps it: every later `settle` checks it again. */
  watch(name: string, text: string, variables?: Record<string, unknown>): Promise<Record<string, any>>;
  /** The cache's answer to a query, without the network (null when incomplete). */
  read(text: string, variables?: Record<string, unknown>): Record<string, any> | null;
  /** Runs a mutation; the server's answer (as sent, before the cache saw it). */
  mutate(text: string, variables: Record<string, unknown>): Promise<Record<string, any>>;
  /**
   * After a step: every watched query is still complete in the cache, then
   * fetched again from the network, then (all of them, after all the fetches)
   * read from the cache alone and compared with what the server sent. Returns
   * the number of queries checked.
   */
  settle(step: string): Promise<number>;
}

export function newClient(url: string, userId: string, typePolicies?: TypePolicies): ClientUnderTest {
  if (!apollo) throw new Error('call loadApollo() first');
  const { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } = apollo;
  /** What the server sent for the last operation, before the cache saw it (the client hands back what the cache then holds). */
  let received: Record<string, any> | undefined;
  const recordResponse = new ApolloLink((operation, forward) =>
    forward(operation).pipe(
      map((result) => {
        if (result.errors?.length) throw new Error(`${operation.operationName ?? 'operation'}: ${JSON.stringify(result.errors)}`);
        received = result.data as Record<string, any>;
        return result;
      }),
    ),
  );
  const http = new HttpLink({ uri: `${url}graphql`, fetch, headers: { 'x-user-id': userId } });
  const client = new ApolloClient({
    link: ApolloLink.from([recordResponse, http]),
    cache: typePolicies ? new InMemoryCache({ typePolicies }) : new InMemoryCache(),
  });
  const watched: Watched[] = [];
  let settled = 0;

  async function fromNetwork(w: Watched): Promise<Record<string, any>> {
    received = undefined;
    const result = await client.query({ query: w.query, variables: w.variables, fetchPolicy: 'network-only' });
    if (result.error) throw new Error(`${w.name}: ${result.error.message}`);
    if (!received) throw new Error(`${w.name}: nothing received from the server`);
    return received;
  }

  return {
    client,
    async watch(name, text, variables = {}) {
      const w = { name, query: gql(text), variables };
      watched.push(w);
      return fromNetwork(w);
    },
    read(text, variables = {}) {
      return client.readQuery({ query: gql(text), variables });
    },
    async mutate(text, variables) {
      received = undefined;
      const result = await client.mutate({ mutation: gql(text), variables });
      if (result.error) throw new Error(result.error.message);
      if (!received) throw new Error('nothing received from the server');
      return received;
    },
    async settle(step) {
      const incomplete = watched.filter((w) => client.readQuery({ query: w.query, variables: w.variables }) === null).map((w) => w.name);
      expect({ step, incompleteInCacheAfterStep: incomplete }).toEqual({ step, incompleteInCacheAfterStep: [] });
      // Every other step in reverse order: a query's write must not clobber what an earlier or a later one stored.
      settled += 1;
      const order = settled % 2 === 0 ? [...watched].reverse() : watched;
      const answers = new Map<Watched, Record<string, any>>();
      for (const w of order) answers.set(w, await fromNetwork(w));
      for (const w of watched) {
        expect({ step, query: w.name, cache: client.readQuery({ query: w.query, variables: w.variables }) }).toEqual({ step, query: w.name, cache: answers.get(w) });
      }
      expect({ step, logged: takeLogged() }).toEqual({ step, logged: [] });
      return watched.length;
    },
  };
}
