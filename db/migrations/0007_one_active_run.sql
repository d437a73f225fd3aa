-- Runs left active by a crash beside a newer one (never expected) would block the unique index: only the newest stays.
UPDATE `etl_runs` r JOIN (SELECT MAX(`id`) AS `keep` FROM `etl_runs` WHERE `status` IN ('queued','running')) k
SET r.`status` = 'failed', r.`error` = 'Failed by the upgrade: a newer run was active at the same time.'
WHERE r.`status` IN ('queued','running') AND r.`id` <> k.`keep`;--> statement-breakpoint
ALTER TABLE `etl_runs` ADD `active_slot` tinyint GENERATED ALWAYS AS ((case when `status` in ('queued','running') then 1 else null end)) VIRTUAL;--> statement-breakpoint
ALTER TABLE `etl_runs` ADD CONSTRAINT `etl_runs_one_active` UNIQUE(`active_slot`);