import type { Locale } from "./locales";

/**
 * Reasons a tracking push waits, failed or warns, and the vendor errors (connectors/errors.ts
 * `merchant`) as the merchant reads them. Parameters as in reasons.ts.
 */
export const TRACKING_REASON_MESSAGES: Record<string, Record<Locale, string>> = {
  "tracking.invalid": {
    en: "The tracking number “{tracking}” cannot be sent ({problem}): correct it on the store’s fulfillment",
    fr: "Le numéro de suivi « {tracking} » ne peut pas être envoyé ({problem}) : corrigez-le sur l’expédition de la boutique",
  },
  "tracking.unexpected_format": {
    en: "“{tracking}” does not look like a {carrier} number ({expected}); it was sent anyway",
    fr: "« {tracking} » ne ressemble pas à un numéro {carrier} ({expected}) ; il a tout de même été envoyé",
  },
  "push.carrier_missing": {
    en: "The fulfillment names no carrier: add one in the store so the marketplace can show the tracking",
    fr: "L’expédition n’indique aucun transporteur : ajoutez-en un dans la boutique pour que la place de marché affiche le suivi",
  },
  "push.lines_unmapped": {
    en: "Some shipped items do not match a line of the marketplace order ({skus})",
    fr: "Certains articles expédiés ne correspondent à aucune ligne de la commande de la place de marché ({skus})",
  },
  "push.amazon_tracking_change": {
    en: "Amazon keeps the first tracking sent for these items: change it to {tracking} in Seller Central",
    fr: "Amazon conserve le premier suivi envoyé pour ces articles : remplacez-le par {tracking} dans Seller Central",
  },
  "push.account_inactive": {
    en: "The marketplace account is not connected ({status}): reconnect it, then retry",
    fr: "Le compte de la place de marché n’est pas connecté ({status}) : reconnectez-le puis réessayez",
  },
  "push.carrier_dropped": {
    en: "The marketplace accepted the shipment but did not keep its carrier ({carrier}): check it on the marketplace",
    fr: "La place de marché a accepté l’expédition sans conserver son transporteur ({carrier}) : vérifiez-la sur la place de marché",
  },
  "push.not_visible": {
    en: "The marketplace accepted the tracking but does not show it: check the order on the marketplace",
    fr: "La place de marché a accepté le suivi mais ne l’affiche pas : vérifiez la commande sur la place de marché",
  },
  "push.gave_up": {
    en: "The marketplace could not be reached after {attempts, plural, one {# attempt} other {# attempts}}: retry when it is available again",
    fr: "La place de marché est restée injoignable après {attempts, plural, one {# tentative} other {# tentatives}} : réessayez lorsqu’elle sera de nouveau disponible",
  },
  "push.order_not_found": {
    en: "{platform} no longer knows this order",
    fr: "{platform} ne connaît plus cette commande",
  },
  "push.unexpected_error": {
    en: "An unexpected error stopped the tracking from being sent; it is retried automatically",
    fr: "Une erreur inattendue a empêché l’envoi du suivi ; il est réessayé automatiquement",
  },
  "push.answer.unavailable": {
    en: "{platform} did not answer or was temporarily unavailable",
    fr: "{platform} n’a pas répondu ou était momentanément indisponible",
  },
  "push.answer.rate_limited": {
    en: "{platform} asked us to slow down",
    fr: "{platform} nous a demandé de ralentir",
  },
  "push.answer.unexpected": {
    en: "An unexpected error interrupted the attempt before the marketplace answered",
    fr: "Une erreur inattendue a interrompu la tentative avant la réponse de la place de marché",
  },
  "cancel.refused": {
    en: "{platform} refused to cancel the order: {message}",
    fr: "{platform} a refusé d’annuler la commande : {message}",
  },
  "cancel.already_shipped": {
    en: "The order has already shipped on {platform}: it was not cancelled there",
    fr: "La commande est déjà expédiée sur {platform} : elle n’y a pas été annulée",
  },
  "cancel.unconfirmed": {
    en: "{platform} has not confirmed the cancellation after {hours, plural, one {# hour} other {# hours}}: check the order on {platform}",
    fr: "{platform} n’a pas confirmé l’annulation au bout de {hours, plural, one {# heure} other {# heures}} : vérifiez la commande sur {platform}",
  },
  "cancel.order_not_found": {
    en: "{platform} no longer knows this order: it was not cancelled there",
    fr: "{platform} ne connaît plus cette commande : elle n’y a pas été annulée",
  },
  "connector.rateLimited": {
    en: "{platform} asked us to slow down; retrying shortly",
    fr: "{platform} nous demande de ralentir ; nouvel essai sous peu",
  },
  "connector.authExpired": {
    en: "The {platform} connection expired and is being renewed",
    fr: "La connexion à {platform} a expiré et est en cours de renouvellement",
  },
  "connector.authRevoked": {
    en: "Access to {platform} was revoked: reconnect the account",
    fr: "L’accès à {platform} a été révoqué : reconnectez le compte",
  },
  "connector.notFound": {
    en: "{platform} could not find what we asked for",
    fr: "{platform} n’a pas trouvé l’élément demandé",
  },
  "connector.rejected": {
    en: "{platform} refused: {message}",
    fr: "{platform} a refusé : {message}",
  },
  "connector.transient": {
    en: "{platform} is temporarily unavailable; retrying automatically",
    fr: "{platform} est momentanément indisponible ; nouvel essai automatique",
  },
};
