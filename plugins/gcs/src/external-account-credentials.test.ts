import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStore } from "@spotkit/storage";
import { createGcsFakeBucket, startGcsFake } from "@spotkit/test-peers";
import { describe, expect, it } from "vitest";
import { externalAccountCredentials } from "./external-account-credentials.js";
import { startFakeTokenExchange } from "./test-support/fake-token-exchange.js";

const identity = {
  projectNumber: "123456789012",
  poolId: "ci-pool",
  providerId: "harness",
  serviceAccountEmail: "publisher@my-project.iam.gserviceaccount.com",
};

describe("externalAccountCredentials", () => {
  it("builds what gcloud's create-cred-config writes for an OIDC provider and a service account", () => {
    expect(externalAccountCredentials(identity, "/tmp/spotkit-gcs-x/oidc-token")).toEqual({
      type: "external_account",
      audience:
        "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/ci-pool/providers/harness",
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      token_url: "https://sts.googleapis.com/v1/token",
      service_account_impersonation_url:
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/publisher@my-project.iam.gserviceaccount.com:generateAccessToken",
      credential_source: { file: "/tmp/spotkit-gcs-x/oidc-token" },
    });
  });

  // Google's STS and IAM cannot be reached from a test, so the two URLs are pointed at a local
  // fake; everything else (the JSON's shape, the token file, the exchange, the impersonation, the
  // bearer token on the upload) is what Google's auth library does with the real ones.
  it("lets Google's auth library exchange the token file's OIDC token and upload (local fakes)", async () => {
    const exchange = await startFakeTokenExchange({
      federatedToken: "federated-token-from-sts",
      accessToken: "impersonated-access-token",
    });
    const gcs = await startGcsFake({ requireToken: "impersonated-access-token" });
    const folder = await mkdtemp(join(tmpdir(), "spotkit-gcs-wif-"));
    try {
      await createGcsFakeBucket(gcs.endpoint, "wif-bucket", "impersonated-access-token");
      const tokenFile = join(folder, "oidc-token");
      await writeFile(tokenFile, "header.oidc-id-token.signature");
      const credentials = externalAccountCredentials(identity, tokenFile);
      const local = {
        ...credentials,
        token_url: `${exchange.url}/v1/token`,
        service_account_impersonation_url: String(
          credentials.service_account_impersonation_url,
        ).replace("https://iamcredentials.googleapis.com", exchange.url),
      };
      const store = createObjectStore({
        type: "gcs",
        bucket: "wif-bucket",
        apiEndpoint: gcs.endpoint,
        credentials: JSON.stringify(local),
      });
      await store.put("hello.txt", "hello");
      expect(gcs.objects("wif-bucket").map((object) => object.name)).toEqual(["hello.txt"]);

      const [sts, iam] = exchange.requests;
      const form = new URLSearchParams(sts?.body);
      expect(sts?.path).toBe("/v1/token");
      expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:token-exchange");
      expect(form.get("audience")).toBe(
        "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/ci-pool/providers/harness",
      );
      expect(form.get("subject_token")).toBe("header.oidc-id-token.signature");
      expect(form.get("subject_token_type")).toBe("urn:ietf:params:oauth:token-type:id_token");
      expect(iam?.path).toBe(
        "/v1/projects/-/serviceAccounts/publisher@my-project.iam.gserviceaccount.com:generateAccessToken",
      );
      expect(iam?.authorization).toBe("Bearer federated-token-from-sts");
    } finally {
      await rm(folder, { recursive: true, force: true });
      await gcs.stop();
      await exchange.stop();
    }
  });
});
