// The main job of the README's first command: run the Slack plugin's built entry exactly as a
// Drone runner would (settings as PLUGIN_* variables, build metadata as DRONE_*), against a local
// webhook receiver on 127.0.0.1 standing in for Slack, and print what Slack would have received.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../plugins/slack/dist/main.js", import.meta.url));
const received = [];

const server = createServer((request, response) => {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", () => {
    // The path carries the webhook token: keep it out of the printout, as the plugin does.
    received.push({ method: request.method, body: JSON.parse(body || "{}") });
    response.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();

// What Drone's runner would set for this step:
//   - name: notify
//     image: spotkit/slack
//     settings:
//       webhook: { from_secret: slack_webhook }
//       channel: dev
//       mentions: [U024BE7LH, U0G9QF9C6]
//       link_names: true
//       template: >
//         {{#success build.status}}:rocket: {{repo.name}} #{{build.number}} built{{else}}failed{{/success}}
//         ({{truncate build.commit 8}} on {{build.branch}} by {{build.author.username}})
const env = {
  PATH: process.env.PATH ?? "",
  PLUGIN_WEBHOOK: `http://127.0.0.1:${port}/services/T000/B000/demo-secret-token`,
  PLUGIN_CHANNEL: "dev",
  PLUGIN_MENTIONS: "U024BE7LH,U0G9QF9C6",
  PLUGIN_LINK_NAMES: "true",
  PLUGIN_TEMPLATE:
    "{{#success build.status}}:rocket: {{repo.name}} #{{build.number}} built{{else}}failed{{/success}} ({{truncate build.commit 8}} on {{build.branch}} by {{build.author.username}})",
  DRONE_REPO: "octocat/hello-world",
  DRONE_REPO_OWNER: "octocat",
  DRONE_REPO_NAME: "hello-world",
  DRONE_COMMIT_SHA: "7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
  DRONE_COMMIT_BRANCH: "main",
  DRONE_BRANCH: "main",
  DRONE_COMMIT_AUTHOR: "octocat",
  DRONE_BUILD_NUMBER: "42",
  DRONE_BUILD_STATUS: "success",
  DRONE_BUILD_EVENT: "push",
  DRONE_BUILD_LINK: "https://drone.example.com/octocat/hello-world/42",
};

const child = spawn(process.execPath, [entry], { env, stdio: ["ignore", "inherit", "inherit"] });
const exitCode = await new Promise((resolve) => child.on("close", resolve));
server.close();

process.stdout.write(`\nspotkit-slack exited with ${exitCode}; the local Slack received:\n`);
process.stdout.write(`${JSON.stringify(received, null, 2)}\n`);
process.exit(exitCode === 0 && received.length === 1 ? 0 : 1);
