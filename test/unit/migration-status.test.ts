/** The statement a start-up migration runs is shown by its leading words only: never a value it carries. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeProgress, statementHead } from "../../lib/db/migration-status";

describe("statementHead", () => {
  it("keeps the keywords and the object's name, after the file's comments", () => {
    const first = readFileSync("db/migrations/0011_stored_text_keys.sql", "utf8").split("--> statement-breakpoint")[0];
    expect(statementHead(first ?? "")).toBe("ALTER TABLE `etl_runs`");
    expect(statementHead("CREATE UNIQUE INDEX `x_y` ON `t` (`a`)")).toBe("CREATE UNIQUE INDEX `x_y`");
    expect(statementHead("/* hint */ insert into big select seq from seq_1_to_9")).toBe("INSERT INTO big");
  });

  it("drops everything from the first word that is neither a keyword nor a plain name", () => {
    expect(statementHead("UPDATE etl_runs SET status = 'secret' WHERE id = 7")).toBe("UPDATE etl_runs");
    expect(statementHead("SELECT SLEEP(4), 'secret'")).toBe("SELECT");
    expect(statementHead("INSERT INTO `t` VALUES ('secret')")).toBe("INSERT INTO `t`");
    expect(statementHead("'secret'")).toBe("a statement");
  });
});

describe("describeProgress", () => {
  it("says which migration, which statement and how far", () => {
    expect(describeProgress({ total: 3 })).toBe("3 migrations to apply, starting");
    expect(describeProgress({ total: 3, index: 2, tag: "0011_x" })).toBe(
      "migration 0011_x (2 of 3), between statements",
    );
    const alter = { total: 3, index: 2, tag: "0011_x", statement: "ALTER TABLE `t`", seconds: 88.4 };
    expect(describeProgress(alter)).toBe("migration 0011_x (2 of 3): ALTER TABLE `t`, running 88 s");
    expect(describeProgress({ ...alter, stage: 1, maxStage: 2, percent: 43.21 })).toBe(
      "migration 0011_x (2 of 3): ALTER TABLE `t`, stage 1 of 2, 43.2 %, running 88 s",
    );
    expect(describeProgress({ ...alter, statementIndex: 4, statementCount: 9 })).toBe(
      "migration 0011_x (2 of 3): ALTER TABLE `t` (statement 4 of 9), running 88 s",
    );
  });
});
