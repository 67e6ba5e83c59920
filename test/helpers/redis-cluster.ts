/**
 * A Redis Cluster of the test's own: `masters` redis-servers with `--cluster-enabled yes`, each on
 * its own free port and folder, joined by `redis-cli --cluster create` (no replicas), ready once
 * every node says `cluster_state:ok`. Or, with REDIS_CLUSTER_NODES (`host:port,host:port`), a
 * cluster someone else runs, which is never stopped or resharded. Absent redis-server skips such
 * tests outside CI and fails them under CI=true (see redis-server.ts).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Cluster, Redis } from "ioredis";
import { freePort } from "./redis-server.js";

const run = promisify(execFile);

export interface OwnCluster {
  /** The masters' addresses. */
  readonly nodes: readonly { host: string; port: number }[];
  /** A new ioredis Cluster client on it; the caller disconnects it. */
  client(): Cluster;
  /** The port of the master that serves `slot`. */
  ownerOf(slot: number): Promise<number>;
  /**
   * Moves `slot` and its keys to the master on `toPort`, the way `redis-cli --cluster reshard`
   * does (IMPORTING/MIGRATING, MIGRATE in batches, SETSLOT NODE): clients meanwhile get ASK,
   * TRYAGAIN for scripts whose keys are half moved, then MOVED. `batch` keys per MIGRATE (default
   * 100): fewer make the move last longer. Resolves to the number of keys moved.
   */
  moveSlot(slot: number, toPort: number, batch?: number): Promise<number>;
  stop(): Promise<void>;
}

/** The nodes in REDIS_CLUSTER_NODES, or undefined when it is not set. */
export function clusterNodesFromEnv(): { host: string; port: number }[] | undefined {
  const list = process.env.REDIS_CLUSTER_NODES;
  if (!list) return undefined;
  return list.split(",").map((entry) => {
    const [host, port] = entry.trim().split(":");
    return { host: host || "127.0.0.1", port: Number(port) };
  });
}

function connect(port: number): Redis {
  const redis = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  return redis;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Redis Cluster: ${what} did not happen within 60 s`);
}

/** Starts (or, with REDIS_CLUSTER_NODES, joins) a cluster and waits until it serves every slot. */
export async function startRedisCluster(masters = 3): Promise<OwnCluster> {
  const external = clusterNodesFromEnv();
  const ports = external ? external.map((n) => n.port) : await distinctFreePorts(masters);
  const nodes = external ?? ports.map((port) => ({ host: "127.0.0.1", port }));
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const probes = new Map<number, Redis>();
  const probe = (port: number) => {
    let redis = probes.get(port);
    // A probe that found no server yet gave up (no retries): the next look opens a new one.
    if (!redis || redis.status === "end") {
      redis = connect(port);
      probes.set(port, redis);
    }
    return redis;
  };

  async function stop() {
    for (const redis of probes.values()) redis.disconnect();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }

  if (!external) {
    try {
      for (const port of ports) {
        const dir = mkdtempSync(join(tmpdir(), "lr-redis-cluster-"));
        dirs.push(dir);
        // Children die with this process only if killed; stop() and the exit hook below do it.
        children.push(
          spawn(
            "redis-server",
            [
              "--port",
              String(port),
              "--bind",
              "127.0.0.1",
              "--dir",
              dir,
              "--cluster-enabled",
              "yes",
              "--cluster-config-file",
              "nodes.conf",
              "--cluster-node-timeout",
              "5000",
              "--save",
              "",
              "--appendonly",
              "no",
            ],
            { stdio: "ignore" },
          ),
        );
      }
      for (const port of ports)
        await waitFor(`redis-server on port ${port} starting`, async () => (await probe(port).ping()) === "PONG");
      await run("redis-cli", [
        "--cluster",
        "create",
        ...ports.map((port) => `127.0.0.1:${port}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ]);
      for (const port of ports)
        await waitFor(`cluster_state:ok on port ${port}`, async () =>
          ((await probe(port).cluster("INFO")) as string).includes("cluster_state:ok"),
        );
    } catch (error) {
      await stop();
      throw error;
    }
    killOnExit(children);
  }

  async function nodeId(port: number): Promise<string> {
    return (await probe(port).cluster("MYID")) as string;
  }

  async function ownerOf(slot: number): Promise<number> {
    const ranges = await probe(nodes[0]?.port as number).cluster("SLOTS");
    const master = ranges.find(([from, to]) => from <= slot && slot <= to)?.[2];
    if (!master) throw new Error(`Redis Cluster: no master serves slot ${slot}`);
    return master[1];
  }

  return {
    nodes,
    client: () =>
      new Cluster(nodes, {
        // Failover and resharding answers (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) are retried by ioredis.
        redisOptions: { maxRetriesPerRequest: 2 },
      }),
    ownerOf,
    async moveSlot(slot, toPort, batch = 100) {
      if (external) throw new Error("Redis Cluster: REDIS_CLUSTER_NODES is someone else's cluster; not resharding it");
      const fromPort = await ownerOf(slot);
      if (fromPort === toPort) return 0;
      const [from, to] = [probe(fromPort), probe(toPort)];
      const [fromId, toId] = [await nodeId(fromPort), await nodeId(toPort)];
      await to.cluster("SETSLOT", slot, "IMPORTING", fromId);
      await from.cluster("SETSLOT", slot, "MIGRATING", toId);
      let moved = 0;
      for (;;) {
        const keys = (await from.cluster("GETKEYSINSLOT", slot, batch)) as string[];
        if (keys.length === 0) break;
        await from.call("MIGRATE", "127.0.0.1", toPort, "", 0, 5000, "KEYS", ...keys);
        moved += keys.length;
      }
      // The new owner first, then the old one, then the rest: as redis-cli does.
      await to.cluster("SETSLOT", slot, "NODE", toId);
      await from.cluster("SETSLOT", slot, "NODE", toId);
      for (const node of nodes)
        if (node.port !== fromPort && node.port !== toPort)
          await probe(node.port).cluster("SETSLOT", slot, "NODE", toId);
      return moved;
    },
    stop,
  };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  // A cluster node also listens on port + 10000 (the cluster bus): keep both free and below 55536.
  while (ports.size < count) {
    const port = await freePort();
    if (port < 55536 && !ports.has(port + 10000) && !ports.has(port - 10000)) ports.add(port);
  }
  return [...ports];
}

/** A test run that ends without stop() (a failed assertion, Ctrl-C) leaves no redis-server behind. */
function killOnExit(children: ChildProcess[]): void {
  process.once("exit", () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });
}
