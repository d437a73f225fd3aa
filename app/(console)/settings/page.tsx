import Link from "next/link";
import { formatDate } from "@/components/format";
import { NotifyForm } from "@/components/notify-form";
import { ScheduleForm } from "@/components/schedule-form";
import { EmptyState, link, PageTitle, row, Section, TableWrap, td, th } from "@/components/ui";
import { requireLogin } from "@/lib/auth/session";
import { tableNames } from "@/lib/catalog/datasets";
import { env } from "@/lib/env";
import { currentNotifications } from "@/lib/notify";
import { currentSchedule } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

/** A time as the schedule's own time zone reads it, e.g. "26/11/2026, 04:30:00 Europe/Berlin". */
function inZone(at: Date, timeZone: string): string {
  return `${at.toLocaleString("en-GB", { timeZone })} ${timeZone}`;
}

export default async function SettingsPage() {
  await requireLogin();
  const [{ schedule, next, firings }, notifications] = await Promise.all([currentSchedule(), currentNotifications()]);
  const { updatedAt: _, ...editable } = schedule;
  return (
    <>
      <PageTitle
        title="Settings"
        subtitle="The sync schedule and notifications, stored in the database: every console instance runs the schedule, and each tick starts one run."
      />
      <Section title="Schedule" id="schedule">
        <ScheduleForm
          initial={editable}
          tables={tableNames}
          localDir={env.IMDB_LOCAL_DIR}
          timeZones={Intl.supportedValuesOf("timeZone")}
        />
      </Section>
      <Section title="Next runs" id="next-runs">
        {next.length > 0 ? (
          <ol aria-label="Next runs" className="list-inside list-decimal text-sm">
            {next.map((at) => (
              <li key={at.toISOString()}>
                <time dateTime={at.toISOString()}>{formatDate(at)}</time>
                {schedule.timezone !== "UTC" ? ` (${inZone(at, schedule.timezone)})` : null}
              </li>
            ))}
          </ol>
        ) : (
          <EmptyState>The schedule is off.</EmptyState>
        )}
      </Section>
      <Section title="Recent ticks" id="ticks">
        {firings.length > 0 ? (
          <TableWrap label="Recent ticks">
            <thead>
              <tr>
                <th className={th}>Due</th>
                <th className={th}>Outcome</th>
                <th className={th}>Run</th>
                <th className={th}>Fired by</th>
                <th className={th}>Note</th>
              </tr>
            </thead>
            <tbody>
              {firings.map((f) => (
                <tr key={f.id} className={row}>
                  <td className={td}>
                    <time dateTime={f.dueAt.toISOString()}>{formatDate(f.dueAt)}</time>
                  </td>
                  <td className={td}>{f.outcome}</td>
                  <td className={td}>
                    {f.runId ? (
                      <Link className={link} href={`/runs/${f.runId}`}>
                        #{f.runId}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className={`${td} font-mono text-xs`}>{f.firedBy}</td>
                  <td className={td}>{f.message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        ) : (
          <EmptyState>No tick has fired yet.</EmptyState>
        )}
      </Section>
      <Section title="Notifications" id="notifications">
        <NotifyForm
          initial={{ urls: notifications.urls, onSuccess: notifications.onSuccess }}
          envTargets={notifications.envTargets}
        />
      </Section>
      <Section title="Recent deliveries" id="deliveries">
        {notifications.deliveries.length > 0 ? (
          <TableWrap label="Recent deliveries">
            <thead>
              <tr>
                <th className={th}>Sent</th>
                <th className={th}>Event</th>
                <th className={th}>Run</th>
                <th className={th}>Webhook</th>
                <th className={th}>Outcome</th>
                <th className={th}>Message</th>
              </tr>
            </thead>
            <tbody>
              {notifications.deliveries.map((d) => (
                <tr key={d.id} className={row} data-outcome={d.outcome}>
                  <td className={`${td} whitespace-nowrap`}>
                    <time dateTime={d.sentAt.toISOString()}>{formatDate(d.sentAt)}</time>
                  </td>
                  <td className={`${td} font-mono text-xs`}>{d.event}</td>
                  <td className={td}>
                    {d.runId ? (
                      <Link className={link} href={`/runs/${d.runId}`}>
                        #{d.runId}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className={`${td} font-mono text-xs`}>{d.target}</td>
                  <td className={td}>
                    {d.outcome === "delivered"
                      ? `delivered (HTTP ${d.httpStatus}, try ${d.attempts})`
                      : `failed after ${d.attempts} tries: ${d.error ?? ""}`}
                  </td>
                  <td className={td}>{d.text}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        ) : (
          <EmptyState>No notification sent yet.</EmptyState>
        )}
      </Section>
    </>
  );
}
