// The gateway fronts core-service and e14-service: their databases, prepared as e14's own tests do.
export { default } from '../../services/e14-service/test/global-setup.js';
