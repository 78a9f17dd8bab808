// The check titles of Extend.Network, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const EXTENDED_NETWORK = {
  multiPort: "reaches two different container ports of Linux backends through the two ports of one multi-port Service from a Windows pod (ClusterIP, IPv4)",
  dualStack:
    "reaches Linux backends from a Windows pod through an IPv4 and an IPv6 Service (dual-stack cluster): each one's ClusterIP, and its NodePort on a node's address of its family",
} as const;
