/** What {@link renderCephConfig} needs to know about one throw-away Ceph cluster. */
export interface CephConfigOptions {
  /** The cluster's folder: monitor and OSD data, run files, logs, keyring. */
  directory: string;
  /** The cluster's id (a UUID). */
  fsid: string;
  /** Port of the monitor's v2 messenger on 127.0.0.1. */
  monitorPort: number;
  /** Port of the S3 gateway (beast frontend) on 127.0.0.1. */
  gatewayPort: number;
  /** Cap of the OSD's in-memory store, in bytes. */
  memstoreBytes: number;
}

/**
 * Renders the `ceph.conf` of a one-node, in-memory, authentication-free Ceph cluster whose every
 * daemon listens on 127.0.0.1 only (the recipe of peers.md §2).
 *
 * Lines that look optional but are not:
 * - `ms client mode = crc` and `ms mon client mode = crc`: without them radosgw hangs for 300 s
 *   (`get_initial_auth_request returned -13`).
 * - `cluster addr = 127.0.0.1`: without it the OSD listens on 0.0.0.0.
 * - `rgw gc obj min wait = 0`: memstore keeps deleted data until garbage collection (2 h by
 *   default), so memory only comes back after `radosgw-admin gc process --include-all`.
 * - `osd max object name len` / `namespace len`: memstore's defaults reject rgw's longer names.
 */
export function renderCephConfig(options: CephConfigOptions): string {
  const directory = options.directory;
  return `[global]
fsid = ${options.fsid}
mon host = v2:127.0.0.1:${options.monitorPort}
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
ms client mode = crc
ms mon client mode = crc
public addr = 127.0.0.1
cluster addr = 127.0.0.1
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
run dir = ${directory}/run
log file = ${directory}/log/$name.log
admin socket = ${directory}/run/$name.asok
pid file = ${directory}/run/$name.pid
keyring = ${directory}/keyring
rgw gc obj min wait = 0
[mon]
mon data = ${directory}/mon-$id
[osd]
osd data = ${directory}/osd-$id
osd objectstore = memstore
memstore device bytes = ${options.memstoreBytes}
osd max object name len = 460
osd max object namespace len = 64
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:${options.gatewayPort}
rgw data = ${directory}/rgw
`;
}
