export { NativeBackendError, type NativeBackendErrorCode } from './native-backend-error.js';
export {
  type NativeBackendInfo,
  type NativeBackendOptions,
  nativeBackendProblem,
  registerNativeBackend,
} from './register-native-backend.js';
