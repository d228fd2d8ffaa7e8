// Lindung's Chart.js build: only what the dashboard draws (bar, line and doughnut charts
// with category and linear axes, legend and tooltip), registered once on window.Chart.
import {
  Chart, BarController, LineController, DoughnutController,
  BarElement, LineElement, PointElement, ArcElement,
  CategoryScale, LinearScale, Legend, Tooltip
} from "chart.js";

Chart.register(
  BarController, LineController, DoughnutController,
  BarElement, LineElement, PointElement, ArcElement,
  CategoryScale, LinearScale, Legend, Tooltip
);
window.Chart = Chart;
