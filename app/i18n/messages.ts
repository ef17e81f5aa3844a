import type { Locale } from "./locales";

const en = {
  "nav.dashboard": "Dashboard",
  "app.title": "Marketsync",
  "app.demoBanner":
    "Demo mode: an embedded database and a demo store, no Shopify or BigCommerce account needed.",
  "dashboard.title": "Dashboard",
  "dashboard.orders": "Marketplace orders",
  "dashboard.ordersTotal": "{count} orders synced",
  "dashboard.byState": "By state",
  "dashboard.byMarketplace": "By marketplace",
  "dashboard.failedPushes": "Failed tracking pushes",
  "dashboard.held": "Held orders needing attention",
  "dashboard.accounts": "Marketplace accounts",
  "dashboard.noAccounts": "No marketplace account connected yet.",
  "dashboard.noAccountsHelp":
    "Connect an eBay or Amazon seller account to start importing its orders.",
  "dashboard.lastImport": "Last import: {date}",
  "dashboard.neverImported": "Not imported yet",
  "state.new": "New",
  "state.waiting": "Waiting",
  "state.held": "Held",
  "state.skipped": "Skipped",
  "state.creating": "Creating",
  "state.imported": "Imported",
  "state.failed": "Failed",
  "state.cancelled": "Cancelled",
  "account.active": "Connected",
  "account.needs_reconnect": "Reconnect needed",
  "account.disconnected": "Disconnected",
  "marketplace.ebay": "eBay",
  "marketplace.amazon": "Amazon",
  "error.title": "Something went wrong",
  "error.body": "Marketsync could not show this page. Try again in a moment.",
  "error.notFound": "This page does not exist.",
} as const;

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  "nav.dashboard": "Tableau de bord",
  "app.title": "Marketsync",
  "app.demoBanner":
    "Mode démo : une base de données embarquée et une boutique de démonstration, sans compte Shopify ni BigCommerce.",
  "dashboard.title": "Tableau de bord",
  "dashboard.orders": "Commandes des places de marché",
  "dashboard.ordersTotal": "{count} commandes synchronisées",
  "dashboard.byState": "Par état",
  "dashboard.byMarketplace": "Par place de marché",
  "dashboard.failedPushes": "Envois de suivi en échec",
  "dashboard.held": "Commandes en attente d’action",
  "dashboard.accounts": "Comptes de places de marché",
  "dashboard.noAccounts": "Aucun compte de place de marché connecté pour l’instant.",
  "dashboard.noAccountsHelp":
    "Connectez un compte vendeur eBay ou Amazon pour commencer à importer ses commandes.",
  "dashboard.lastImport": "Dernier import : {date}",
  "dashboard.neverImported": "Pas encore importé",
  "state.new": "Nouvelle",
  "state.waiting": "En attente",
  "state.held": "Bloquée",
  "state.skipped": "Ignorée",
  "state.creating": "En création",
  "state.imported": "Importée",
  "state.failed": "En échec",
  "state.cancelled": "Annulée",
  "account.active": "Connecté",
  "account.needs_reconnect": "Reconnexion nécessaire",
  "account.disconnected": "Déconnecté",
  "marketplace.ebay": "eBay",
  "marketplace.amazon": "Amazon",
  "error.title": "Une erreur est survenue",
  "error.body": "Marketsync n’a pas pu afficher cette page. Réessayez dans un instant.",
  "error.notFound": "Cette page n’existe pas.",
};

const CATALOGS: Record<Locale, Record<MessageKey, string>> = { en, fr };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const catalog = CATALOGS[locale];
  return (key, params) =>
    catalog[key].replace(/\{(\w+)\}/g, (match, name: string) =>
      params && name in params ? String(params[name]) : match,
    );
}
