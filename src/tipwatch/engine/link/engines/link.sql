-- The relational plan of the link job, shared by every engine (DuckDB, Spark).
--
-- Each block below is one SELECT, named by its "-- name:" line; the engine materialises it as a
-- table (DuckDB) or a checkpointed temporary view (Spark) under that name, in file order.
-- {placeholders} are filled by the plan runner (engines/__init__.py): numbers from LinkSettings
-- and the few expressions whose spelling differs by dialect ({agree}, {sorted_ids}).
-- Inputs (Parquet written by stage 1): ads(idx, id), keys(idx, key), bands(idx, h), sigs(idx, sig).
-- "cc:" blocks name a connected-components run (see engines/__init__.py) over an edge table.

-- name: bucket_members
-- Ads in an LSH band bucket shared with at least one other ad (h already folds in the band).
SELECT b.h, b.idx, a.id
FROM bands b
JOIN (SELECT h FROM bands GROUP BY h HAVING COUNT(*) > 1) m ON m.h = b.h
JOIN ads a ON a.idx = b.idx

-- name: candidates
-- Candidate pairs without the quadratic blow-up of a big bucket: each member is paired with
-- the bucket's first member and with its predecessor (members ordered by id, so the pairs do
-- not depend on input order). A pair proposed by several bands is checked once.
SELECT DISTINCT LEAST(src, dst) AS a, GREATEST(src, dst) AS b
FROM (
  SELECT idx AS src, FIRST_VALUE(idx) OVER (PARTITION BY h ORDER BY id) AS dst FROM bucket_members
  UNION ALL
  SELECT idx AS src, LAG(idx) OVER (PARTITION BY h ORDER BY id) AS dst FROM bucket_members
) p
WHERE dst IS NOT NULL AND src <> dst

-- name: tpl_edges
-- Verified pairs: estimated Jaccard (share of equal MinHash values) at or above the threshold.
SELECT c.a AS src, c.b AS dst
FROM candidates c
JOIN sigs sa ON sa.idx = c.a
JOIN sigs sb ON sb.idx = c.b
WHERE {agree} >= {need}

-- cc: tpl_labels tpl_edges

-- name: ad_comp
SELECT a.idx, a.id, COALESCE(l.label, a.idx) AS comp
FROM ads a LEFT JOIN tpl_labels l ON l.node = a.idx

-- name: ad_templates
-- Template id: "tpl-" + sha1 of the sorted member ids (like operation ids: order-free).
SELECT c.idx, t.template
FROM ad_comp c
JOIN (
  SELECT comp, CONCAT('tpl-', SUBSTR(SHA1({sorted_ids}), 1, 12)) AS template
  FROM ad_comp GROUP BY comp
) t ON t.comp = c.comp

-- name: all_keys
-- Every (ad, key) pair with the key's document frequency; contact keys link, template keys attach.
SELECT idx, key, contact, COUNT(*) OVER (PARTITION BY key) AS df
FROM (
  SELECT idx, key, TRUE AS contact FROM keys
  UNION ALL
  SELECT idx, CONCAT('template:', template) AS key, FALSE AS contact FROM ad_templates
) k

-- name: freq_nodes
-- Hub guard 1 (frequency): contact keys carried by more than {limit} ads, numbered.
SELECT idx, key, DENSE_RANK() OVER (ORDER BY key) AS kn
FROM all_keys WHERE contact AND df > {limit}

-- name: spread_edges
-- ... and their spread: the sellers behind a frequent key's ads, i.e. the groups they form through
-- their *other* contacts (a single ad with a contact of its own is one seller).
-- Nodes are (key number, ad) pairs packed into one integer.
SELECT kn * {shift} + idx AS src, kn * {shift} + MIN(idx) OVER (PARTITION BY kn, okey) AS dst
FROM (
  SELECT f.kn, f.idx, o.key AS okey
  FROM freq_nodes f JOIN all_keys o ON o.idx = f.idx AND o.contact AND o.key <> f.key
) x

-- cc: spread_labels spread_edges

-- name: contact_hubs
SELECT DISTINCT f.key
FROM freq_nodes f
JOIN (
  SELECT kn, COUNT(*) AS groups
  FROM (
    -- every labelled ad has another contact: a group, or a single ad with a contact of its own
    SELECT f2.kn, l.label
    FROM freq_nodes f2 JOIN spread_labels l ON l.node = f2.kn * {shift} + f2.idx
    GROUP BY f2.kn, l.label
  ) g
  GROUP BY kn
) s ON s.kn = f.kn
WHERE s.groups > {max_spread}

-- name: live_contacts
SELECT k.idx, k.key, k.df
FROM all_keys k LEFT JOIN contact_hubs h ON h.key = k.key
WHERE k.contact AND k.df > 1 AND h.key IS NULL

-- name: contact_edges
SELECT idx AS src, MIN(idx) OVER (PARTITION BY key) AS dst FROM live_contacts

-- cc: contact_labels contact_edges

-- name: ad_groups
-- Contact groups (root = smallest ad index) and their sizes.
SELECT idx, root, COUNT(*) OVER (PARTITION BY root) AS size
FROM (SELECT a.idx, COALESCE(l.label, a.idx) AS root FROM ads a LEFT JOIN contact_labels l ON l.node = a.idx) r

-- name: tpl_rows
SELECT k.idx, k.key, k.df, g.root, g.size
FROM all_keys k JOIN ad_groups g ON g.idx = k.idx
WHERE NOT k.contact AND k.df > 1

-- name: tpl_ok
-- Hub guard 3: a template key attaches loose ads to its dominant contact group (most ads, then
-- smallest root) and never merges two groups; it links nothing when no group holds half of its
-- ads, when it spreads over more than {max_spread} groups, or when none of its ads has a group.
SELECT key, root AS dominant
FROM (
  SELECT key, root, c, df,
         COUNT(*) OVER (PARTITION BY key) AS ngroups,
         ROW_NUMBER() OVER (PARTITION BY key ORDER BY c DESC, root) AS rn
  FROM (SELECT key, root, MAX(df) AS df, COUNT(*) AS c FROM tpl_rows WHERE size > 1 GROUP BY key, root) x
) y
WHERE rn = 1 AND ngroups <= {max_spread} AND c * 2 >= df

-- name: live
SELECT idx, key, df FROM live_contacts
UNION ALL
SELECT t.idx, t.key, t.df
FROM tpl_rows t JOIN tpl_ok o ON o.key = t.key
WHERE t.size = 1 OR t.root = o.dominant

-- name: op_edges
SELECT idx AS src, MIN(idx) OVER (PARTITION BY key) AS dst FROM live

-- cc: op_labels op_edges

-- name: ad_ops
SELECT a.idx, a.id, COALESCE(l.label, a.idx) AS root
FROM ads a LEFT JOIN op_labels l ON l.node = a.idx

-- name: op_ids
SELECT root, CONCAT('op-', SUBSTR(SHA1({sorted_ids}), 1, 12)) AS operation
FROM ad_ops GROUP BY root

-- name: result
SELECT o.idx, o.id, r.operation, t.template
FROM ad_ops o
JOIN op_ids r ON r.root = o.root
JOIN ad_templates t ON t.idx = o.idx

-- name: link_pairs  [explain]
-- Explained neighbours (opt-in): ads sharing a live key, weighted by 1 / log2(1 + df).
SELECT a.idx AS i, b.idx AS j, a.key, a.df
FROM live a JOIN live b ON a.key = b.key AND a.idx <> b.idx

-- name: link_top  [explain]
-- The five strongest neighbours; scores rounded so that summation order cannot reorder ties.
SELECT i, j, rk
FROM (
  SELECT s.i, s.j, ROW_NUMBER() OVER (PARTITION BY s.i ORDER BY s.score DESC, a.id) AS rk
  FROM (SELECT i, j, ROUND(SUM(1.0 / LOG2(1 + df)), 9) AS score FROM link_pairs GROUP BY i, j) s
  JOIN ads a ON a.idx = s.j
) r
WHERE rk <= {max_links}

-- name: links  [explain]
SELECT t.i AS idx, t.rk, a.id AS nb, p.key, p.df
FROM link_top t
JOIN link_pairs p ON p.i = t.i AND p.j = t.j
JOIN ads a ON a.idx = t.j
