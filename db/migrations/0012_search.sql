-- Search (docs/search.md): InnoDB FULLTEXT indexes over the words people type, kept by the server on every
-- INSERT, UPDATE and DELETE of a sync. drizzle-orm cannot declare a FULLTEXT index, so they live here only.
ALTER TABLE `title_basics` ADD FULLTEXT INDEX `title_basics_search` (`primaryTitle`, `originalTitle`);--> statement-breakpoint
ALTER TABLE `title_akas` ADD FULLTEXT INDEX `title_akas_search` (`title`);--> statement-breakpoint
ALTER TABLE `name_basics` ADD FULLTEXT INDEX `name_basics_search` (`primaryName`);--> statement-breakpoint
ALTER TABLE `title_principals` ADD FULLTEXT INDEX `title_principals_search` (`characters`);
