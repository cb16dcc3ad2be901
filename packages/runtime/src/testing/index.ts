/**
 * @spotkit/runtime/testing — run plugins under test with settings encoded exactly as Drone or
 * Woodpecker encode them.
 */
export { encodeDroneSettings } from "./encode-drone.js";
export { encodeSettings, type SettingsEncoding } from "./encode-settings.js";
export { encodeWoodpeckerSettings } from "./encode-woodpecker.js";
export { formatGoFloat } from "./go-float.js";
export type { PluginTestOptions, PluginTestResult } from "./plugin-test-options.js";
export { type PluginEntryOptions, runPluginEntry } from "./run-plugin-entry.js";
export { runPluginInProcess } from "./run-plugin-in-process.js";
