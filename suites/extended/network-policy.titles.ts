// The check titles of Extend.NetworkPolicy, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const NETWORK_POLICY = {
  sameNamespace: "admits only its own namespace to a Windows pod under a same-namespace NetworkPolicy, and all namespaces again without it",
} as const;
