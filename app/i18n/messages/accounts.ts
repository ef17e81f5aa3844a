/** Messages of the accounts, connections and settings pages. */
export const en = {
  "nav.accounts": "Accounts",
  "accounts.title": "Marketplace accounts",
  "accounts.subtitle": "The eBay and Amazon seller accounts whose orders Marketsync imports.",
  "accounts.connectEbay": "Connect eBay",
  "accounts.connectAmazon": "Connect Amazon",
  "accounts.emptyTitle": "Connect your first marketplace account",
  "accounts.emptyBody":
    "Sign in to eBay or Amazon Seller Central and allow Marketsync to read your orders and send tracking back. Orders start arriving within minutes.",
  "accounts.lastImport": "Last import: {date}",
  "accounts.neverImported": "Not imported yet",
  "accounts.grantUntil": "Authorization valid until {date}",
  "accounts.grantExpired": "Authorization expired on {date}",
  "accounts.disconnectedOn": "Disconnected on {date}: its orders and history are kept.",
  "accounts.marketplaces": "Marketplaces: {list}",
  "accounts.ebayMotors": "eBay Motors ({country})",
  "accounts.settings": "Settings",
  "accounts.reconnect": "Reconnect",
  "accounts.disconnect": "Disconnect",
  "accounts.disconnectTitle": "Disconnect {name}?",
  "accounts.disconnectBody":
    "Marketsync stops importing this account’s orders and sending their tracking, and forgets its authorization. Orders already imported, and their history, stay. To remove Marketsync’s access completely, also revoke it in your {platform} account.",
  "accounts.disconnectConfirm": "Disconnect",
  "accounts.cancel": "Cancel",
  "accounts.connected": "{name} is connected: its orders are being imported.",
  "accounts.reconnected": "{name} is reconnected: its orders are being imported again.",
  "accounts.disconnectedNotice": "The account is disconnected. Its history is kept.",
  "accounts.needsReconnect":
    "{platform} no longer accepts Marketsync’s authorization for this account: reconnect it to resume imports.",
  "connect.ebayTitle": "Connect an eBay seller account",
  "connect.ebayBody":
    "You will sign in to eBay and allow Marketsync to read your orders and add tracking to them. You come back here afterwards.",
  "connect.ebayContinue": "Continue to eBay",
  "connect.amazonTitle": "Connect an Amazon seller account",
  "connect.amazonBody":
    "Choose where you sell, then sign in to Amazon Seller Central and authorize Marketsync. You come back here afterwards.",
  "connect.amazonRegion": "Region",
  "connect.amazonMarketplaces": "Marketplaces",
  "connect.amazonChoose": "Choose these marketplaces",
  "connect.amazonChosen": "Marketplaces: {list}",
  "connect.amazonContinue": "Continue to Seller Central",
  "connect.amazonSelectionError": "Choose one or more marketplaces of the same region.",
  "connect.region.na": "North America",
  "connect.region.eu": "Europe, Middle East and India",
  "connect.region.fe": "Far East",
  "connect.reconnectTitle": "Reconnect {name}",
  "connect.reconnectBody":
    "Sign in to {platform} as {sellerId} and authorize Marketsync again. The account keeps its settings and history.",
  "connect.unavailable":
    "Connecting {platform} accounts is not set up on this Marketsync installation yet.",
  "connect.failedTitle": "The account was not connected",
  "connect.returnTitle": "{platform} authorized Marketsync",
  "connect.returnBody":
    "One step left: open Marketsync again from your BigCommerce control panel (Apps) within the next few minutes, and it finishes connecting the account.",
  "connect.returnLink": "Go to the BigCommerce control panel",
  "connect.backToAccounts": "Back to accounts",
  "connect.tryAgain": "Try again",
  "connect.problem.state_invalid":
    "This connection link is not valid. Start again from the Accounts page.",
  "connect.problem.state_expired":
    "This connection link has expired. Start again from the Accounts page.",
  "connect.problem.other_store":
    "This connection was started from another store. Start again from this store’s Accounts page.",
  "connect.problem.declined":
    "You did not allow Marketsync to access your {platform} account, so nothing was connected.",
  "connect.problem.exchange_failed":
    "{platform} did not accept the authorization, so nothing was connected. Try again in a moment.",
  "connect.problem.wrong_seller":
    "You signed in as {got}, but this account is {expected}. Sign in to {platform} as {expected} to reconnect it.",
  "connect.problem.not_configured":
    "Connecting {platform} accounts is not set up on this Marketsync installation yet.",
  "connect.problem.account_not_found": "This account does not exist in your store.",
} as const;

export const fr: Record<keyof typeof en, string> = {
  "nav.accounts": "Comptes",
  "accounts.title": "Comptes de places de marché",
  "accounts.subtitle": "Les comptes vendeur eBay et Amazon dont Marketsync importe les commandes.",
  "accounts.connectEbay": "Connecter eBay",
  "accounts.connectAmazon": "Connecter Amazon",
  "accounts.emptyTitle": "Connectez votre premier compte de place de marché",
  "accounts.emptyBody":
    "Connectez-vous à eBay ou à Amazon Seller Central et autorisez Marketsync à lire vos commandes et à y renvoyer le suivi. Les commandes arrivent en quelques minutes.",
  "accounts.lastImport": "Dernier import : {date}",
  "accounts.neverImported": "Pas encore importé",
  "accounts.grantUntil": "Autorisation valable jusqu’au {date}",
  "accounts.grantExpired": "Autorisation expirée le {date}",
  "accounts.disconnectedOn":
    "Déconnecté le {date} : ses commandes et son historique sont conservés.",
  "accounts.marketplaces": "Places de marché : {list}",
  "accounts.ebayMotors": "eBay Motors ({country})",
  "accounts.settings": "Paramètres",
  "accounts.reconnect": "Reconnecter",
  "accounts.disconnect": "Déconnecter",
  "accounts.disconnectTitle": "Déconnecter {name} ?",
  "accounts.disconnectBody":
    "Marketsync cesse d’importer les commandes de ce compte et d’envoyer leur suivi, et oublie son autorisation. Les commandes déjà importées et leur historique sont conservés. Pour retirer complètement l’accès de Marketsync, révoquez-le aussi dans votre compte {platform}.",
  "accounts.disconnectConfirm": "Déconnecter",
  "accounts.cancel": "Annuler",
  "accounts.connected": "{name} est connecté : ses commandes sont en cours d’import.",
  "accounts.reconnected": "{name} est reconnecté : l’import de ses commandes reprend.",
  "accounts.disconnectedNotice": "Le compte est déconnecté. Son historique est conservé.",
  "accounts.needsReconnect":
    "{platform} n’accepte plus l’autorisation de Marketsync pour ce compte : reconnectez-le pour reprendre les imports.",
  "connect.ebayTitle": "Connecter un compte vendeur eBay",
  "connect.ebayBody":
    "Vous allez vous connecter à eBay et autoriser Marketsync à lire vos commandes et à y ajouter le suivi. Vous revenez ici ensuite.",
  "connect.ebayContinue": "Continuer vers eBay",
  "connect.amazonTitle": "Connecter un compte vendeur Amazon",
  "connect.amazonBody":
    "Choisissez où vous vendez, puis connectez-vous à Amazon Seller Central et autorisez Marketsync. Vous revenez ici ensuite.",
  "connect.amazonRegion": "Région",
  "connect.amazonMarketplaces": "Places de marché",
  "connect.amazonChoose": "Choisir ces places de marché",
  "connect.amazonChosen": "Places de marché : {list}",
  "connect.amazonContinue": "Continuer vers Seller Central",
  "connect.amazonSelectionError": "Choisissez une ou plusieurs places de marché d’une même région.",
  "connect.region.na": "Amérique du Nord",
  "connect.region.eu": "Europe, Moyen-Orient et Inde",
  "connect.region.fe": "Extrême-Orient",
  "connect.reconnectTitle": "Reconnecter {name}",
  "connect.reconnectBody":
    "Connectez-vous à {platform} en tant que {sellerId} et autorisez de nouveau Marketsync. Le compte garde ses paramètres et son historique.",
  "connect.unavailable":
    "La connexion de comptes {platform} n’est pas encore configurée sur cette installation de Marketsync.",
  "connect.failedTitle": "Le compte n’a pas été connecté",
  "connect.returnTitle": "{platform} a autorisé Marketsync",
  "connect.returnBody":
    "Plus qu’une étape : rouvrez Marketsync depuis le panneau de configuration BigCommerce (Applications) dans les minutes qui viennent, et il termine la connexion du compte.",
  "connect.returnLink": "Aller au panneau de configuration BigCommerce",
  "connect.backToAccounts": "Retour aux comptes",
  "connect.tryAgain": "Réessayer",
  "connect.problem.state_invalid":
    "Ce lien de connexion n’est pas valide. Recommencez depuis la page Comptes.",
  "connect.problem.state_expired":
    "Ce lien de connexion a expiré. Recommencez depuis la page Comptes.",
  "connect.problem.other_store":
    "Cette connexion a été lancée depuis une autre boutique. Recommencez depuis la page Comptes de cette boutique.",
  "connect.problem.declined":
    "Vous n’avez pas autorisé Marketsync à accéder à votre compte {platform} : rien n’a été connecté.",
  "connect.problem.exchange_failed":
    "{platform} n’a pas accepté l’autorisation : rien n’a été connecté. Réessayez dans un instant.",
  "connect.problem.wrong_seller":
    "Vous vous êtes connecté en tant que {got}, mais ce compte est {expected}. Connectez-vous à {platform} en tant que {expected} pour le reconnecter.",
  "connect.problem.not_configured":
    "La connexion de comptes {platform} n’est pas encore configurée sur cette installation de Marketsync.",
  "connect.problem.account_not_found": "Ce compte n’existe pas dans votre boutique.",
};
