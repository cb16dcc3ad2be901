import { describe, expect, it } from "vitest";
import { renderCephConfig } from "./ceph-config.js";

describe("renderCephConfig", () => {
  const config = renderCephConfig({
    directory: "/tmp/cluster",
    fsid: "00000000-0000-4000-8000-000000000000",
    monitorPort: 41000,
    gatewayPort: 41001,
    memstoreBytes: 123_456_789,
  });

  it("keeps every daemon on 127.0.0.1 and the ports of this run", () => {
    expect(config).toContain("mon host = v2:127.0.0.1:41000\n");
    expect(config).toContain("public addr = 127.0.0.1\n");
    expect(config).toContain("cluster addr = 127.0.0.1\n");
    expect(config).toContain("rgw frontends = beast endpoint=127.0.0.1:41001\n");
    expect(config).not.toContain("3300");
  });

  it("has the lines without which radosgw hangs or leaks memory", () => {
    expect(config).toContain("ms client mode = crc\n");
    expect(config).toContain("ms mon client mode = crc\n");
    expect(config).toContain("rgw gc obj min wait = 0\n");
    expect(config).toContain("osd max object name len = 460\n");
    expect(config).toContain("memstore device bytes = 123456789\n");
  });

  it("puts every file under the cluster folder, leaving $name and $id to Ceph", () => {
    expect(config).toContain("pid file = /tmp/cluster/run/$name.pid\n");
    expect(config).toContain("log file = /tmp/cluster/log/$name.log\n");
    expect(config).toContain("osd data = /tmp/cluster/osd-$id\n");
    const paths = config.match(/= \/\S+/g) ?? [];
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.every((path) => path.startsWith("= /tmp/cluster/"))).toBe(true);
  });
});
