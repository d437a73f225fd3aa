-- Runs left active by a crash beside a newer one (never expected) would block the unique index: only the newest stays.
-- A single-table UPDATE (design.md §8): a Galera node with a writeset limit refuses an UPDATE joining a derived table,
-- and the nested derived table keeps MySQL 8 from refusing a subquery on the table being updated.
UPDATE `etl_runs` SET `status` = 'failed', `error` = 'Failed by the upgrade: a newer run was active at the same time.'
WHERE `status` IN ('queued','running')
AND `id` <> (SELECT `keep` FROM (SELECT MAX(`id`) AS `keep` FROM `etl_runs` WHERE `status` IN ('queued','running')) k);--> statement-breakpoint
ALTER TABLE `etl_runs` ADD `active_slot` tinyint GENERATED ALWAYS AS ((case when `status` in ('queued','running') then 1 else null end)) VIRTUAL;--> statement-breakpoint
ALTER TABLE `etl_runs` ADD CONSTRAINT `etl_runs_one_active` UNIQUE(`active_slot`);