/** @jsxImportSource preact */
// Connects the admin's signals to Preact before anything renders.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { OrderBlock } from "./OrderBlock";

/** The admin calls the module's default export once it has set up the `shopify` global. */
export default async function extension() {
  render(<OrderBlock />, document.body);
}
