import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  InlineError,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { ALERT_EVENTS, type AlertEvent } from "../../db/schema/alerts";
import { AdminPageErrorBoundary } from "../admin-error-boundary";
import {
  type AlertFieldErrors,
  loadAlertPreferences,
  saveAlertPreferences,
} from "../alerts.server";
import { requireAdmin } from "../auth.server";
import { useTranslate } from "../i18n/use-translate";
import { readForm } from "../read-form.server";

export const ErrorBoundary = AdminPageErrorBoundary;

/** The store's e-mail digest: on or off, where it goes, and which events it reports. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  return json({
    preferences: await loadAlertPreferences(services.db, store.id),
    mailConfigured: services.config.alertsMail !== undefined,
    // From the loader, so the page's bundle does not pull in the database schema.
    allEvents: [...ALERT_EVENTS],
  });
}

type ActionResult = { saved: true } | { errors: AlertFieldErrors };

export async function action({ request }: ActionFunctionArgs) {
  const { services, store, locale } = await requireAdmin(request);
  const result = await saveAlertPreferences(services.db, {
    storeId: store.id,
    locale,
    form: await readForm(request),
  });
  if (!result.ok) return json<ActionResult>({ errors: result.errors }, { status: 400 });
  return json<ActionResult>({ saved: true });
}

export default function AlertsPage() {
  const { preferences, mailConfigured, allEvents } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useTranslate();
  const errors: AlertFieldErrors = result && "errors" in result ? result.errors : {};
  const [enabled, setEnabled] = useState(preferences.digestEnabled);
  const [email, setEmail] = useState(preferences.email);
  const [events, setEvents] = useState<AlertEvent[]>(preferences.events);
  const toggle = (event: AlertEvent, on: boolean) =>
    setEvents((all) => (on ? [...all, event] : all.filter((e) => e !== event)));

  return (
    <Page
      backAction={{ content: t("dashboard.title"), url: "/app" }}
      title={t("alerts.title")}
      subtitle={t("alerts.subtitle")}
    >
      <Form method="post">
        <Layout>
          {!mailConfigured && (
            <Layout.Section>
              <Banner tone="info">{t("alerts.mailNotConfigured")}</Banner>
            </Layout.Section>
          )}
          {result && (
            <Layout.Section>
              <Banner tone={"saved" in result ? "success" : "critical"}>
                <p data-testid="alerts-result">
                  {"saved" in result ? t("alerts.saved") : t("alerts.fixErrors")}
                </p>
              </Banner>
            </Layout.Section>
          )}
          <Layout.Section>
            <Card>
              <FormLayout>
                <Checkbox
                  label={t("alerts.digestEnabled")}
                  helpText={t("alerts.digestHelp")}
                  name="digestEnabled"
                  // Polaris renders value="" when none is given: the action looks for "on".
                  value="on"
                  checked={enabled}
                  onChange={setEnabled}
                />
                <TextField
                  label={t("alerts.email")}
                  name="email"
                  type="email"
                  autoComplete="email"
                  value={email}
                  onChange={setEmail}
                  {...(errors.email ? { error: t(errors.email) } : {})}
                />
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">
                    {t("alerts.events")}
                  </Text>
                  {allEvents.map((event) => (
                    <Checkbox
                      key={event}
                      label={t(`alerts.event.${event}`)}
                      name="events"
                      value={event}
                      checked={events.includes(event)}
                      onChange={(on) => toggle(event, on)}
                    />
                  ))}
                  {errors.events && (
                    <InlineError message={t(errors.events)} fieldID="alert-events" />
                  )}
                </BlockStack>
                <InlineStack align="end">
                  <Button submit variant="primary" loading={navigation.state === "submitting"}>
                    {t("alerts.save")}
                  </Button>
                </InlineStack>
              </FormLayout>
            </Card>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}
