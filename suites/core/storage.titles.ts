// The check titles of Core.Storage, in one place: the suite names its tests with them, and every test, sensitivity
// case and mapping that names one of them imports it from here (importing the suite would register its tests).

export const STORAGE = {
  hostPath: "reads and writes a hostPath volume from a Windows pod: the file outlives the pod and the next pod on the node reads it",
  readOnly: "refuses writes to read-only emptyDir and hostPath mounts of a Windows pod with Access is denied., while the read-write mount works",
  projected: "mounts Secret, ConfigMap and projected Secret + ConfigMap volumes into a Windows pod",
  shared: "lets three containers of a Windows pod write and read the same files at once",
} as const;
