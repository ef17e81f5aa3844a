/**
 * Any URL no other route serves. A 404 from here, rather than Remix's own "no route matches", runs
 * the root loader first: the not-found page is then in the visitor's language.
 */
export function loader(): never {
  throw new Response(null, { status: 404, statusText: "Not Found" });
}

export default function NotFound() {
  return null;
}
