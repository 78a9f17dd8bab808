// The check titles of Extend.ActiveDirectory, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const ACTIVE_DIRECTORY = {
  fill: "fills the credential spec contents into a pod that names its GMSACredentialSpec",
  unauthorized: "refuses a pod whose service account may not `use` the credential spec, with the webhook's message",
  mismatch: "refuses a pod whose inline credential spec contents do not match the named GMSACredentialSpec",
  update: "keeps an existing pod's GMSA settings: a change to the name or contents is refused (by the API server's pod immutability, before any webhook)",
  updateRule: "registers the GMSA webhook for pod UPDATE in the test's namespace, as its chart does",
  nltest: "reaches the domain from inside the pod: nltest /query completes successfully, without ERROR_NO_LOGON_SERVERS or RPC_S_SERVER_UNAVAILABLE",
  containers:
    "passes pod-level and container-level credential specs to the containers: nltest /parentdomain names each one's domain, the container's spec overriding the pod's",
} as const;
