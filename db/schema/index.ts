export * from "./enums";
export * from "./stores";
export * from "./accounts";
export * from "./orders";
export * from "./shipments";
export * from "./mappings";
export * from "./events";
export * from "./shopify-sessions";
