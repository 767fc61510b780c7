import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The projector creates a generation's partitions at run time (its first start, `cartctl rebuild`)
 * but must not be able to change the schema (docs/security.md). These two functions run as their
 * owner — the role that applied this migration, which owns the tables — and can do one thing
 * each: create or drop the partition `<parent>_g<generation>` of a LIST-by-generation table that
 * role owns in `public`. The writer role is granted EXECUTE on them and nothing else of DDL.
 * `search_path` is pinned so a caller cannot slip its own objects in (CVE-2018-1058 pattern).
 */
const CHECK_PARENT = `
  SELECT c.relname INTO parent_name
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_partitioned_table p ON p.partrelid = c.oid
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
   WHERE n.nspname = 'public' AND c.relname = parent AND c.relowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
     AND p.partstrat = 'l' AND p.partnatts = 1 AND a.attname = 'generation';
  IF parent_name IS NULL OR generation IS NULL OR generation < 1 THEN
    RAISE EXCEPTION 'not a read-model generation: %, %', parent, generation USING ERRCODE = '42501';
  END IF;`;

const FUNCTIONS = [
  `CREATE FUNCTION read_model_create_partition(parent text, generation integer) RETURNS void
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
   DECLARE parent_name name;
   BEGIN ${CHECK_PARENT}
     EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.%I FOR VALUES IN (%s)', parent_name || '_g' || generation, parent_name, generation);
   END $fn$`,
  `CREATE FUNCTION read_model_drop_partition(parent text, generation integer) RETURNS void
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
   DECLARE parent_name name; child regclass;
   BEGIN ${CHECK_PARENT}
     child := to_regclass(format('public.%I', parent_name || '_g' || generation));
     IF child IS NULL THEN RETURN; END IF;
     -- Only a partition (attached or detached) of that parent, never any other table of that name.
     IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = child AND inhparent = format('public.%I', parent_name)::regclass)
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = child) THEN
       RAISE EXCEPTION '% is not a partition of %', child, parent_name USING ERRCODE = '42501';
     END IF;
     EXECUTE format('DROP TABLE public.%I', parent_name || '_g' || generation);
   END $fn$`,
];
const SIGNATURES = ['read_model_create_partition(text, integer)', 'read_model_drop_partition(text, integer)'];

export class GenerationDdlFunctions1764300000000 implements MigrationInterface {
  name = 'GenerationDdlFunctions1764300000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of FUNCTIONS) await q.query(sql);
    // EXECUTE is PUBLIC's by default: only the roles granted it (the writer) may call them.
    for (const signature of SIGNATURES) await q.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const signature of SIGNATURES) await q.query(`DROP FUNCTION ${signature}`);
  }
}
