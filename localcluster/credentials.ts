// Everything the local cluster authenticates with: a CA, serving certificates for the apiserver, the kubelet
// simulator and the GMSA webhook, the service-account signing key, and static tokens per component.
import { webcrypto, randomBytes, generateKeyPairSync } from "node:crypto";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import "reflect-metadata"; // @peculiar/x509 needs the Reflect metadata API
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface Credentials {
  dir: string;
  caCert: string; // path
  caPem: string; // contents, for caBundle
  apiserver: { cert: string; key: string };
  kubelet: { cert: string; key: string };
  webhook: { cert: string; key: string };
  serviceAccountKey: string; // private key, PEM path
  serviceAccountPub: string;
  tokenFile: string;
  tokens: Record<TokenUser, string>;
}
export type TokenUser = "admin" | "controller-manager" | "scheduler" | "kwok" | "dataplane";

const tokenUsers: Record<TokenUser, { user: string; groups: string[] }> = {
  admin: { user: "hybrid-conformance-admin", groups: ["system:masters"] },
  "controller-manager": { user: "system:kube-controller-manager", groups: [] },
  scheduler: { user: "system:kube-scheduler", groups: [] },
  // kwok plays every kubelet and the data plane plays the container runtime: both act cluster-wide.
  kwok: { user: "system:kwok", groups: ["system:masters"] },
  dataplane: { user: "system:hybrid-conformance-dataplane", groups: ["system:masters"] },
};

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64.trimEnd()}\n-----END ${label}-----\n`;
}

async function serving(ca: { cert: x509.X509Certificate; keys: CryptoKeyPair }, cn: string, ips: string[], dns: string[]) {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString("hex"),
    subject: `CN=${cn}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 24 * 3600_000),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...ips.map((value) => ({ type: "ip" as const, value })),
        ...dns.map((value) => ({ type: "dns" as const, value })),
      ]),
    ],
  });
  return { cert: cert.toString("pem") + "\n", key: pem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)) };
}

export async function generateCredentials(dir: string, nodeAddresses: string[]): Promise<Credentials> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (name: string, content: string) => {
    const p = join(dir, name);
    writeFileSync(p, content, { mode: 0o600 });
    return p;
  };
  const caKeys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString("hex"),
    name: "CN=hybrid-conformance-local-ca",
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 24 * 3600_000),
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const ca = { cert: caCert, keys: caKeys };
  const caPem = caCert.toString("pem") + "\n";
  const apiserver = await serving(
    ca,
    "kube-apiserver",
    ["127.0.0.1", "10.96.0.1"],
    ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"],
  );
  const kubelet = await serving(ca, "kwok-kubelet", ["127.0.0.1", ...nodeAddresses], ["localhost"]);
  const webhook = await serving(ca, "gmsa-webhook", ["127.0.0.1"], ["localhost"]);
  const sa = generateKeyPairSync("rsa", { modulusLength: 2048 });

  const tokens = Object.fromEntries(Object.keys(tokenUsers).map((u) => [u, randomBytes(24).toString("hex")])) as Record<TokenUser, string>;
  const tokenCsv = Object.entries(tokenUsers)
    .map(([k, { user, groups }]) => `${tokens[k as TokenUser]},${user},${user}${groups.length ? `,"${groups.join(",")}"` : ""}`)
    .join("\n");

  return {
    dir,
    caCert: write("ca.crt", caPem),
    caPem,
    apiserver: { cert: write("apiserver.crt", apiserver.cert), key: write("apiserver.key", apiserver.key) },
    kubelet: { cert: write("kubelet.crt", kubelet.cert), key: write("kubelet.key", kubelet.key) },
    webhook: { cert: write("webhook.crt", webhook.cert), key: write("webhook.key", webhook.key) },
    serviceAccountKey: write("sa.key", sa.privateKey.export({ type: "pkcs8", format: "pem" }) as string),
    serviceAccountPub: write("sa.pub", sa.publicKey.export({ type: "spki", format: "pem" }) as string),
    tokenFile: write("tokens.csv", tokenCsv + "\n"),
    tokens,
  };
}

/** A kubeconfig for one token user; the admin one is what `cluster up` hands to the user. */
export function kubeconfigYaml(server: string, caPem: string, user: string, token: string): string {
  const ca = Buffer.from(caPem).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: hybrid-local",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    "users:",
    `- name: ${user}`,
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: hybrid-local",
    "  context:",
    "    cluster: hybrid-local",
    `    user: ${user}`,
    "current-context: hybrid-local",
    "",
  ].join("\n");
}
