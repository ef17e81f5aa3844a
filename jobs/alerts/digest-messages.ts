import type { AlertEvent } from "../../db/schema/alerts";

/** Languages the digest is written in (the admin's: see app/i18n/locales.ts). */
export type DigestLocale = "en" | "fr";

interface DigestMessages {
  subject: (store: string) => string;
  intro: (store: string) => string;
  events: Record<AlertEvent, (count: string) => string>;
  action: string;
  footer: string;
}

/**
 * The digest's wording. It lives beside the job (which runs outside the web app and below it in
 * the layers) rather than in app/i18n; the same two languages, checked by the digest's tests.
 */
export const DIGEST_MESSAGES: Record<DigestLocale, DigestMessages> = {
  en: {
    subject: (store) => `Marketsync: ${store} needs your attention`,
    intro: (store) => `Here is what needs your attention in ${store}:`,
    events: {
      held_orders: (n) => `Orders held until you fix them: ${n}`,
      failed_pushes: (n) => `Orders whose tracking could not be sent to the marketplace: ${n}`,
      needs_reconnect: (n) => `Marketplace accounts to reconnect: ${n}`,
    },
    action: "Open Marketsync in your store admin to review them.",
    footer:
      "You receive this daily e-mail because the digest is turned on in Marketsync's Alerts settings. Turn it off there to stop it.",
  },
  fr: {
    subject: (store) => `Marketsync : ${store} demande votre attention`,
    intro: (store) => `Voici ce qui demande votre attention dans ${store} :`,
    events: {
      held_orders: (n) => `Commandes bloquées en attente de correction : ${n}`,
      failed_pushes: (n) =>
        `Commandes dont le suivi n’a pas pu être envoyé à la place de marché : ${n}`,
      needs_reconnect: (n) => `Comptes de places de marché à reconnecter : ${n}`,
    },
    action: "Ouvrez Marketsync dans l’administration de votre boutique pour les traiter.",
    footer:
      "Vous recevez cet e-mail quotidien car le récapitulatif est activé dans les réglages Alertes de Marketsync. Désactivez-le là pour ne plus le recevoir.",
  },
};

export function digestLocale(value: string | null | undefined): DigestLocale {
  return value === "fr" ? "fr" : "en";
}
