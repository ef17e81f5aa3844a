/** Messages of the install and BigCommerce session pages. */
export const en = {
  "install.done": "Marketsync is installed.",
  "install.openFromShopify": "Open Marketsync from your Shopify admin (Apps › Marketsync).",
  "install.sessionExpired":
    "Your Marketsync session has expired. Open Marketsync again from your store's control panel.",
  "install.crossSiteRefused": "This request did not come from Marketsync's own pages.",
  "install.notInstalled": "Marketsync is not installed on this store.",
  "install.notConfigured": "The BigCommerce app is not configured on this Marketsync server.",
  "install.badRequest":
    "This install link is incomplete. Start the install again from BigCommerce.",
  "install.refused":
    "BigCommerce refused this install request (it may have expired). Start the install again from BigCommerce.",
  "install.unavailable":
    "BigCommerce could not be reached to finish the install. Please try again in a few minutes.",
  "install.invalidSignature": "This request is not signed by BigCommerce.",
} as const;

export const fr: Record<keyof typeof en, string> = {
  "install.openFromShopify":
    "Ouvrez Marketsync depuis l’administration Shopify (Applications › Marketsync).",
  "install.done": "Marketsync est installé.",
  "install.sessionExpired":
    "Votre session Marketsync a expiré. Rouvrez Marketsync depuis le panneau de configuration de votre boutique.",
  "install.crossSiteRefused": "Cette requête ne provient pas des pages de Marketsync.",
  "install.notInstalled": "Marketsync n’est pas installé sur cette boutique.",
  "install.notConfigured":
    "L’application BigCommerce n’est pas configurée sur ce serveur Marketsync.",
  "install.badRequest":
    "Ce lien d’installation est incomplet. Recommencez l’installation depuis BigCommerce.",
  "install.refused":
    "BigCommerce a refusé cette demande d’installation (elle a peut-être expiré). Recommencez l’installation depuis BigCommerce.",
  "install.unavailable":
    "BigCommerce n’a pas pu être joint pour terminer l’installation. Réessayez dans quelques minutes.",
  "install.invalidSignature": "Cette requête n’est pas signée par BigCommerce.",
};
