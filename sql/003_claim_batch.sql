-- line-responder store schema, version 3: claims and event leases decided in batches (group
-- commit). One call takes many callers' requests and decides each in the order given, as one
-- statement and one commit; it returns one row per request (n is its position). A claim it made is
-- answered by its slot alone (claim NULL): the caller made the request and knows the rest of the
-- new row, so the row is neither turned into JSON nor sent back.
-- A database migrated by a development build before that has the function with every claim in
-- full, a result of another shape, which CREATE OR REPLACE cannot change: that one is dropped first.
DO $$
DECLARE
  earlier regprocedure := to_regprocedure('"public".line_responder_claim_batch(text[], boolean[], bigint[], text[], text[], float8[], float8[], bigint[])');
BEGIN
  IF earlier IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE oid = earlier AND 'claim_slot' = ANY (proargnames)) THEN
    EXECUTE 'DROP FUNCTION ' || earlier::text;
  END IF;
END $$;
CREATE OR REPLACE FUNCTION "public".line_responder_claim_batch(
  event_ids text[], takes boolean[], lease_untils bigint[], reward_ids text[], user_ids text[],
  caps float8[], stocks float8[], nows bigint[])
RETURNS TABLE (n integer, event_outcome text, reward_outcome text, claim jsonb, claim_slot integer)
LANGUAGE plpgsql AS $$
DECLARE
  k integer;
  c "public".line_responder_claims;
  resumed "public".line_responder_claims;
  counted_reward text;
  counted bigint;
  size integer := coalesce(array_length(event_ids, 1), 0);
  simple boolean;
  locking boolean;
  settled boolean[] := array_fill(false, ARRAY[size]);
  taken boolean[] := array_fill(false, ARRAY[size]);
  ks integer[];
  j integer;
  decided integer := 0;
BEGIN
  -- The common batch: no two requests share an event, no two claims share a user (stricter than
  -- needed, and cheaper to count than pairs), and every claim is once per user without stock.
  -- Then requests cannot affect each other, and new events and new claims are inserted with one
  -- statement each; what found a row already there (a redelivery, a duplicate) is decided one by
  -- one below, as every request of other batches.
  SELECT count(DISTINCT u.e) = count(*)
     AND count(DISTINCT u.u) FILTER (WHERE u.r IS NOT NULL) = count(*) FILTER (WHERE u.r IS NOT NULL)
     AND NOT coalesce(bool_or(u.r IS NOT NULL AND (u.cap <> 1 OR u.stock IS NOT NULL)), false),
         coalesce(bool_or(u.r IS NOT NULL AND (u.cap <> 1 OR u.stock IS NOT NULL)), false)
  INTO simple, locking FROM unnest(event_ids, reward_ids, user_ids, caps, stocks) AS u(e, r, u, cap, stock);
  -- Rewards with a stock or a per-user count above one are locked before any row, in one order,
  -- so that two batches never wait on each other in a cycle.
  IF locking THEN
    INSERT INTO "public".line_responder_reward_locks (reward_id)
    SELECT DISTINCT r.id FROM unnest(reward_ids, caps, stocks) AS r(id, cap, stock)
    WHERE r.id IS NOT NULL AND (r.cap <> 1 OR r.stock IS NOT NULL) ORDER BY r.id
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM "public".line_responder_reward_locks l
    WHERE l.reward_id IN (SELECT r.id FROM unnest(reward_ids, caps, stocks) AS r(id, cap, stock)
                          WHERE r.cap <> 1 OR r.stock IS NOT NULL)
    ORDER BY l.reward_id FOR UPDATE;
  END IF;
  IF simple AND size > 1 THEN
    WITH inserted AS (
      INSERT INTO "public".line_responder_events (event_id, expires_at, state)
      SELECT u.e, u.l, 'processing' FROM unnest(event_ids, takes, lease_untils) AS u(e, t, l) WHERE u.t ORDER BY u.e
      ON CONFLICT DO NOTHING RETURNING event_id)
    SELECT array_agg(u.k) INTO ks
    FROM inserted JOIN unnest(event_ids, takes) WITH ORDINALITY AS u(e, t, k) ON u.t AND u.e = inserted.event_id;
    FOREACH j IN ARRAY coalesce(ks, '{}') LOOP
      taken[j] := true;
      IF reward_ids[j] IS NULL THEN
        settled[j] := true;
        decided := decided + 1;
        n := j;
        event_outcome := 'new';
        reward_outcome := NULL;
        claim := NULL;
        claim_slot := NULL;
        RETURN NEXT;
      END IF;
    END LOOP;
    -- The user's claim is the one key checked before each row goes in (not all three unique keys:
    -- that check was a fifth of the work). A row that breaks another key, its event held by another
    -- user's claim, refuses the statement, and the caller then sends each request alone.
    WITH inserted AS (
      INSERT INTO "public".line_responder_claims
        (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
      SELECT u.r || ':' || u.u || ':1', u.r, u.u, 1, u.e, 'pending', u.l, u.now, u.now
      FROM unnest(event_ids, takes, lease_untils, reward_ids, user_ids, nows) WITH ORDINALITY AS u(e, t, l, r, u, now, k)
      WHERE u.r IS NOT NULL AND (NOT u.t OR taken[u.k]) ORDER BY u.r, u.u
      ON CONFLICT (reward_id, user_id, slot) DO NOTHING RETURNING reward_id, event_id)
    SELECT array_agg(u.k ORDER BY u.k) INTO ks
    FROM inserted JOIN unnest(event_ids, reward_ids) WITH ORDINALITY AS u(e, r, k)
      ON u.r = inserted.reward_id AND u.e = inserted.event_id;
    RETURN QUERY SELECT m.i, CASE WHEN takes[m.i] THEN 'new' END, 'new', NULL::jsonb, 1 FROM unnest(ks) AS m(i);
    -- Usually every request is decided here: then no row needs the loop below.
    decided := decided + coalesce(array_length(ks, 1), 0);
    IF decided = size THEN
      RETURN;
    END IF;
    FOREACH j IN ARRAY coalesce(ks, '{}') LOOP
      settled[j] := true;
    END LOOP;
  END IF;
  FOR k IN 1 .. size LOOP
    CONTINUE WHEN settled[k];
    n := k;
    event_outcome := NULL;
    reward_outcome := NULL;
    claim := NULL;
    claim_slot := NULL;
    IF taken[k] THEN
      event_outcome := 'new';
    ELSIF takes[k] THEN
      -- The event: new, or an expired lease taken over; else busy (leased) or duplicate (done).
      INSERT INTO "public".line_responder_events AS e (event_id, expires_at, state)
      VALUES (event_ids[k], lease_untils[k], 'processing')
      ON CONFLICT (event_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, state = 'processing'
      WHERE e.expires_at <= nows[k]
      RETURNING 'new' INTO event_outcome;
      IF event_outcome IS NULL THEN
        SELECT CASE WHEN e.state = 'processing' THEN 'busy' ELSE 'duplicate' END INTO event_outcome
        FROM "public".line_responder_events e WHERE e.event_id = event_ids[k];
        event_outcome := coalesce(event_outcome, 'busy');
      END IF;
      IF event_outcome <> 'new' OR reward_ids[k] IS NULL THEN
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    IF caps[k] = 1 AND stocks[k] IS NULL THEN
      -- Once per user without stock needs no lock: slot 1 and the event are unique keys.
      INSERT INTO "public".line_responder_claims
        (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
      VALUES (reward_ids[k] || ':' || user_ids[k] || ':1', reward_ids[k], user_ids[k], 1, event_ids[k], 'pending',
              lease_untils[k], nows[k], nows[k])
      ON CONFLICT DO NOTHING RETURNING * INTO c;
      IF FOUND THEN
        IF counted_reward = reward_ids[k] THEN counted := counted + 1; END IF;
        reward_outcome := 'new';
        claim_slot := c.slot;
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    -- This event's own claim decides first: a duplicate, or a resume of its unsent claim.
    SELECT * INTO c FROM "public".line_responder_claims
    WHERE reward_id = reward_ids[k] AND event_id = event_ids[k];
    IF FOUND THEN
      reward_outcome := 'duplicate';
      IF lease_untils[k] > 0 THEN
        UPDATE "public".line_responder_claims SET lease_until = lease_untils[k]
        WHERE id = c.id AND status IN ('pending', 'failed', 'deferred') AND lease_until <= nows[k]
        RETURNING * INTO resumed;
        IF FOUND THEN
          reward_outcome := 'resumed';
          c := resumed;
        END IF;
      END IF;
      claim := to_jsonb(c);
      RETURN NEXT;
      CONTINUE;
    END IF;
    SELECT * INTO c FROM "public".line_responder_claims
    WHERE reward_id = reward_ids[k] AND user_id = user_ids[k] ORDER BY slot DESC LIMIT 1;
    IF FOUND AND c.slot >= caps[k] THEN
      reward_outcome := 'duplicate';
      claim := to_jsonb(c);
      RETURN NEXT;
      CONTINUE;
    END IF;
    IF stocks[k] IS NOT NULL THEN
      -- Claims of a stocked reward are made under its lock: counted once a batch, then kept up to date.
      IF counted_reward IS DISTINCT FROM reward_ids[k] THEN
        counted_reward := reward_ids[k];
        SELECT count(*) INTO counted FROM "public".line_responder_claims WHERE reward_id = counted_reward;
      END IF;
      IF counted >= stocks[k] THEN
        reward_outcome := 'out-of-stock';
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    INSERT INTO "public".line_responder_claims
      (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
    VALUES (reward_ids[k] || ':' || user_ids[k] || ':' || (coalesce(c.slot, 0) + 1), reward_ids[k], user_ids[k],
            coalesce(c.slot, 0) + 1, event_ids[k], 'pending', lease_untils[k], nows[k], nows[k])
    RETURNING * INTO c;
    IF counted_reward = reward_ids[k] THEN counted := counted + 1; END IF;
    reward_outcome := 'new';
    claim_slot := c.slot;
    RETURN NEXT;
  END LOOP;
END;
$$;
